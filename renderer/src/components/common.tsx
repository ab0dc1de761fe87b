import type { ReactNode } from 'react';
import { useApp, useT } from '../store/use-app';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'muted';

export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function statusTone(status: string): Tone {
  if (status === 'passed' || status === 'confirmed') return 'ok';
  if (status === 'failed' || status === 'no-evidence') return 'bad';
  if (status === 'warn' || status === 'needs-confirmation') return 'warn';
  if (status === 'running') return 'info';
  return 'muted';
}

export function Card({
  title,
  actions,
  children,
  className,
  testId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const dismiss = useApp((s) => s.dismissError);
  const t = useT();
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <div>
        <strong>{t('error.title')}</strong>
        <p>{error.message}</p>
        {error.hint && (
          <p className="banner-hint">
            {t('common.fix')}: {error.hint}
          </p>
        )}
      </div>
      <button type="button" className="btn btn-ghost" onClick={dismiss} aria-label={t('common.close')}>
        ×
      </button>
    </div>
  );
}

export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}
