import { useEffect, useState } from 'react';
import { Card, formatBytes } from '../components/common';
import { useApp, useT } from '../store/use-app';

export function EmailStep() {
  const t = useT();
  const email = useApp((s) => s.email);
  const emlPath = useApp((s) => s.emlPath);
  const load = useApp((s) => s.loadEmail);
  const saveEml = useApp((s) => s.saveEml);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    void load();
  }, [load]);
  if (!email) return null;
  const copy = async () => {
    await navigator.clipboard.writeText(`To: ${email.to}\nSubject: ${email.subject}\n\n${email.body}`);
    setCopied(true);
  };
  return (
    <Card
      title={t('email.title')}
      actions={
        <div className="row gap">
          <button type="button" className="btn" onClick={copy}>
            {copied ? t('email.copied') : t('email.copy')}
          </button>
          <button type="button" className="btn btn-primary" onClick={saveEml} data-testid="email-save">
            {t('email.saveEml')}
          </button>
          <a className="btn" href={email.mailto}>
            {t('email.mailto')}
          </a>
        </div>
      }
    >
      {emlPath && (
        <p className="notice small" data-testid="email-saved">
          {t('email.savedAt')}{' '}
          <span className="mono" dir="ltr">
            {emlPath}
          </span>
        </p>
      )}
      {email.draft && (
        <p className="notice notice-warn small" data-testid="email-blocked">
          {t('email.blocked')}
        </p>
      )}
      <p className="muted small">{t('email.draftNote')}</p>
      <div className="email" dir="ltr" data-testid="email-preview">
        <dl>
          <dt>{t('email.to')}</dt>
          <dd className="mono">{email.to}</dd>
          <dt>{t('email.subject')}</dt>
          <dd>
            <strong>{email.subject}</strong>
          </dd>
          <dt>{t('email.attachments')}</dt>
          <dd>
            {email.attachments.map((a) => (
              <span key={a.name} className="attachment">
                {a.name} <span className="muted">({formatBytes(a.bytes)})</span>
              </span>
            ))}
          </dd>
        </dl>
        <pre className="email-body">{email.body}</pre>
      </div>
    </Card>
  );
}
