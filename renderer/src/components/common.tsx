import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useApp, useT } from '../store/use-app';
import { errorTitleKey } from '../i18n/strings';
import type { UiError } from '../store/app-store';
import type { Language } from '../../../shared/aps/methods';

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
  if (status === 'warn' || status === 'needs-confirmation' || status === 'stopped') return 'warn';
  if (status === 'running') return 'info';
  return 'muted';
}

export function Card({
  title,
  actions,
  children,
  className,
  testId,
  headingLevel = 2,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId}>
      {(title || actions) && (
        <header className="card-head">
          {title && <Heading className="card-title">{title}</Heading>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Field({ label, hint, children }: { label: ReactNode; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}

const ARABIC_LETTER = /[\u0600-\u06FF]/;
const LATIN_OR_DIGIT = /[A-Za-z0-9]/;

/**
 * Arabic text with identifiers in it (paths, scenario and run ids, URLs): each run of words without Arabic is set
 * apart left to right, so "2026-11-30T17-04" or "/tmp/ws" keep their order inside a right-to-left sentence.
 */
export function BidiText({ text }: { text: string }) {
  const pieces = text.split(/(\s+)/);
  const out: ReactNode[] = [];
  const latin = (k: number) => k < pieces.length && !ARABIC_LETTER.test(pieces[k]) && LATIN_OR_DIGIT.test(pieces[k]);
  for (let i = 0; i < pieces.length;) {
    if (i % 2 === 0 && latin(i)) {
      let j = i;
      while (j + 2 < pieces.length && !pieces[j + 1].includes('\n') && latin(j + 2)) j += 2;
      out.push(
        <bdi dir="ltr" key={i}>
          {pieces.slice(i, j + 1).join('')}
        </bdi>,
      );
      i = j + 1;
    } else out.push(pieces[i++]);
  }
  return <>{out}</>;
}

/** An error's message and fix in the interface language, and the language each is in (a fix may be English only). */
export function errorText(
  error: UiError,
  lang: Language,
): { message: string; messageLang: Language; hint?: string; hintLang: Language } {
  if (lang === 'ar' && error.ar) {
    const arHint = error.ar.hint !== undefined;
    return {
      message: error.ar.message,
      messageLang: 'ar',
      hint: arHint ? error.ar.hint : error.hint,
      hintLang: arHint ? 'ar' : 'en',
    };
  }
  return { message: error.message, messageLang: 'en', hint: error.hint, hintLang: 'en' };
}

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const dismiss = useApp((s) => s.dismissError);
  const t = useT();
  const lang = useApp((s) => s.lang);
  if (!error) return null;
  const text = errorText(error, lang);
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <div>
        <strong>{t(errorTitleKey(error.call))}</strong>
        {/* The engine's own words in the interface language when it wrote them in Arabic too; English reads left
            to right even in the Arabic view. */}
        <p className="banner-message" dir={text.messageLang === 'ar' ? 'rtl' : 'ltr'} lang={text.messageLang}>
          {text.messageLang === 'ar' ? <BidiText text={text.message} /> : text.message}
        </p>
        {text.hint && (
          <p className="banner-hint">
            {t('common.fix')}:{' '}
            <bdi dir={text.hintLang === 'ar' ? 'rtl' : 'ltr'} lang={text.hintLang}>
              {text.hintLang === 'ar' ? <BidiText text={text.hint} /> : text.hint}
            </bdi>
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

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: named by its title, focus moves into it on open, Tab and Shift+Tab stay inside, Escape closes,
 * and focus goes back to whatever had it before (the thumbnail, the button) when it closes.
 */
export function Dialog({
  title,
  onClose,
  children,
  className,
  testId,
  initialFocus,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  testId?: string;
  /** Selector of the element to focus first; else the first focusable one. */
  initialFocus?: string;
}) {
  const titleId = useId();
  const frame = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const root = frame.current!;
    const first =
      (initialFocus ? root.querySelector<HTMLElement>(initialFocus) : null) ??
      root.querySelector<HTMLElement>(FOCUSABLE) ??
      root;
    first.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (!items.length) {
        e.preventDefault();
        return;
      }
      const firstItem = items[0];
      const lastItem = items[items.length - 1];
      const active = document.activeElement;
      if (e.shiftKey && (active === firstItem || !root.contains(active))) {
        e.preventDefault();
        lastItem.focus();
      } else if (!e.shiftKey && (active === lastItem || !root.contains(active))) {
        e.preventDefault();
        firstItem.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Back to where the person was, when that is still on the page.
      if (before && document.contains(before)) before.focus();
    };
    // Runs once per opening; the title and close handler may change without moving focus again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className={`modal-backdrop ${className ?? ''}`} onClick={() => close.current()} data-testid={testId}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        ref={frame}
        tabIndex={-1}
        onClick={(e) => e.stopPropagation()}
      >
        <h2 className="modal-title" id={titleId}>
          {title}
        </h2>
        {children}
      </div>
    </div>
  );
}

/** Moves focus to the element a fix asked for (by id), once the step that holds it has drawn it. */
export function useFocusRequest(ready: boolean): void {
  const request = useApp((s) => s.focusRequest);
  const done = useRef(0);
  useEffect(() => {
    if (!ready || !request || done.current === request.seq) return;
    const el = document.getElementById(request.id);
    if (!el) return;
    done.current = request.seq;
    el.scrollIntoView({ block: 'center' });
    el.focus();
  });
}
