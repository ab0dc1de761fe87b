import { useEffect, useState } from 'react';
import { Card, Dialog, formatBytes, Spinner } from '../components/common';
import { SignoffPanel } from '../components/SignoffPanel';
import { useApp, useT } from '../store/use-app';

type Pending = 'save' | 'open' | undefined;

export function EmailStep() {
  const t = useT();
  const email = useApp((s) => s.email);
  const emlPath = useApp((s) => s.emlPath);
  const mail = useApp((s) => s.mail);
  const signoff = useApp((s) => s.signoff);
  const busy = useApp((s) => s.busy);
  const load = useApp((s) => s.loadEmail);
  const saveEml = useApp((s) => s.saveEml);
  const openMail = useApp((s) => s.openMail);
  const copyText = useApp((s) => s.copyText);
  const [copied, setCopied] = useState<boolean>();
  const [asking, setAsking] = useState<Pending>();
  useEffect(() => {
    void load();
  }, [load]);
  // While anything blocks sign-off, saving or opening the email asks first, and what it writes is a marked draft.
  const blocked = !signoff || !signoff.ready;
  const act = (what: 'save' | 'open', draft: boolean) => (what === 'save' ? saveEml(draft) : openMail(draft));
  const request = (what: 'save' | 'open') => (blocked ? setAsking(what) : void act(what, false));
  const copy = async () => {
    if (!email) return;
    setCopied(await copyText(`To: ${email.to}\nSubject: ${email.subject}\n\n${email.body}`));
  };
  return (
    <div className="stack">
      <SignoffPanel />
      {asking && (
        <Dialog title={t('email.draftTitle')} onClose={() => setAsking(undefined)} testId="draft-dialog">
          <p>{t('email.draftBody').replace('{n}', String(signoff?.blockers.length ?? 0))}</p>
          <div className="row gap end-justify">
            <button type="button" className="btn" onClick={() => setAsking(undefined)} data-testid="draft-cancel">
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="draft-confirm"
              onClick={() => {
                const what = asking;
                setAsking(undefined);
                void act(what, true);
              }}
            >
              {asking === 'save' ? t('email.saveDraft') : t('email.openDraft')}
            </button>
          </div>
        </Dialog>
      )}
      <Card
        title={t('email.title')}
        actions={
          email && (
            <div className="row gap-s wrap">
              <button type="button" className="btn" onClick={copy} data-testid="email-copy">
                {copied ? t('email.copied') : t('email.copy')}
              </button>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => request('save')}
                disabled={busy['email.saveEml']}
                data-testid="email-save"
              >
                {busy['email.saveEml'] && <Spinner />}
                {t('email.saveEml')}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => request('open')}
                disabled={busy['email.open']}
                data-testid="email-open"
              >
                {t('email.mailto')}
              </button>
            </div>
          )
        }
      >
        {copied === false && (
          <p className="notice notice-warn small" role="status">
            {t('email.copyFailed')}
          </p>
        )}
        {emlPath && (
          <p
            className={`notice small ${/DRAFT/.test(emlPath) ? 'notice-warn' : ''}`}
            role="status"
            data-testid="email-saved"
          >
            {/DRAFT/.test(emlPath) ? t('email.savedDraftAt') : t('email.savedAt')}{' '}
            <span className="mono" dir="ltr">
              {emlPath}
            </span>
            {mail && <> · {t(`email.opened.${mail.opened}`)}</>}
          </p>
        )}
        {!email && <p className="muted">{t('common.loading')}</p>}
        {email && (
          <>
            {email.draft && (
              <p className="notice notice-warn small" data-testid="email-blocked">
                {t('email.blocked')}
              </p>
            )}
            <p className="muted small">{t('email.draftNote')}</p>
            <div className="email" data-testid="email-preview">
              <dl>
                <dt>{t('email.to')}</dt>
                <dd className="mono" dir="ltr">
                  {email.to}
                </dd>
                <dt>{t('email.subject')}</dt>
                <dd dir="ltr" lang="en">
                  <strong>{email.subject}</strong>
                </dd>
                <dt>{t('email.attachments')}</dt>
                <dd dir="ltr">
                  {email.attachments.length === 0 && <span className="muted">{t('email.noAttachments')}</span>}
                  {email.attachments.map((a) => (
                    <span key={a.name} className="attachment">
                      {a.name} <span className="muted">({formatBytes(a.bytes)})</span>
                    </span>
                  ))}
                </dd>
              </dl>
              <pre className="email-body" tabIndex={0} aria-label={t('email.body')} dir="ltr" lang="en">
                {email.body}
              </pre>
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
