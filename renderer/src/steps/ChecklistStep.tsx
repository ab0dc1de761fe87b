import { useEffect, useId, useRef, useState } from 'react';
import type { CheckResult } from '../../../shared/schema/verify';
import { Badge, BidiText, Card, Spinner, statusTone } from '../components/common';
import { useApp, useCatalogName, useCheckText, useT } from '../store/use-app';

function CheckRow({ result, title }: { result: CheckResult; title: string }) {
  const t = useT();
  const text = useCheckText()(result);
  const lang = useApp((s) => s.lang);
  const confirm = useApp((s) => s.confirm);
  const goToAndFocus = useApp((s) => s.goToAndFocus);
  const [note, setNote] = useState(result.note ?? '');
  const heading = useRef<HTMLHeadingElement>(null);
  const noteId = useId();
  const needs = result.status === 'needs-confirmation' || result.status === 'confirmed';
  // After Confirm or Withdraw the button under the pointer changes meaning; focus goes to the row's heading (which
  // now says the new status), so a second Enter cannot undo what the first did.
  const decide = async (confirmed: boolean) => {
    if (await confirm(result.checkpointId, confirmed, note.trim())) heading.current?.focus();
  };
  return (
    <li
      className={`check-row check-${result.status}`}
      data-testid={`check-${result.checkpointId}`}
      data-status={result.status}
    >
      <div className="row between center gap">
        <h3 className="check-title" ref={heading} tabIndex={-1} data-testid={`check-title-${result.checkpointId}`}>
          {title}
          <span className="visually-hidden">: {t(`check.${result.status}`)}</span>
        </h3>
        <Badge tone={statusTone(result.status)}>{t(`check.${result.status}`)}</Badge>
      </div>
      {lang !== 'en' && (
        <p className="check-lead" data-testid={`check-lead-${result.checkpointId}`}>
          {t(`checkLead.${result.status}`)}
        </p>
      )}
      {/* English findings inside the Arabic view (a result from an older Certkit) keep their own language, so they
          read left to right and are spoken as English. */}
      <p className="check-summary" data-testid={`check-summary-${result.checkpointId}`} lang={text.lang} dir="auto">
        {text.lang === 'ar' ? <BidiText text={text.summary} /> : text.summary}
      </p>
      {text.fix && (
        <p className="fix">
          <span>{t('common.fix')}:</span>{' '}
          <span lang={text.lang} dir="auto">
            {text.lang === 'ar' ? <BidiText text={text.fix} /> : text.fix}
          </span>
        </p>
      )}
      {result.evidence.length > 0 && (
        <div className="row wrap gap-s small evidence-links">
          <span className="muted">{t('checks.evidence')}:</span>
          {result.evidence.slice(0, 6).map((e, i) => (
            <button
              key={i}
              type="button"
              className="link mono chip-link"
              dir="ltr"
              onClick={() => goToAndFocus('evidence', `ev-${e.scenarioId}`)}
            >
              {e.scenarioId} · {e.kind} {e.ref}
            </button>
          ))}
        </div>
      )}
      {needs && (
        <div className="confirm-box">
          <label className="visually-hidden" htmlFor={noteId}>
            {t('checks.noteFor').replace('{checkpoint}', title)}
          </label>
          <textarea
            id={noteId}
            dir="auto"
            value={note}
            placeholder={t('checks.note')}
            onChange={(e) => setNote(e.target.value)}
            rows={2}
            readOnly={result.status === 'confirmed'}
            data-testid={`note-${result.checkpointId}`}
          />
          {result.status === 'needs-confirmation' ? (
            <button
              key="confirm"
              type="button"
              className="btn btn-primary"
              disabled={!note.trim()}
              onClick={() => decide(true)}
              data-testid={`confirm-${result.checkpointId}`}
            >
              {t('checks.confirm')}
            </button>
          ) : (
            <button
              key="withdraw"
              type="button"
              className="btn"
              onClick={() => decide(false)}
              data-testid={`withdraw-${result.checkpointId}`}
            >
              {t('checks.unconfirm')}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function ChecklistStep() {
  const t = useT();
  const catalogName = useCatalogName();
  const checks = useApp((s) => s.checks);
  const plan = useApp((s) => s.plan);
  const verify = useApp((s) => s.verify);
  const busy = useApp((s) => s.busy['checks.verify']);
  useEffect(() => {
    void verify();
  }, [verify]);
  const titles = new Map(plan?.checkpoints.map((c) => [c.id, catalogName('checkpoint', c.id, c.title)]));
  const count = (st: string[]) => checks?.filter((c) => st.includes(c.status)).length ?? 0;
  return (
    <Card
      title={t('checks.title')}
      actions={
        <div className="row gap-s center wrap">
          {checks && (
            <span className="row gap-s wrap" data-testid="checks-summary">
              <Badge tone="ok">
                {count(['passed', 'confirmed'])} {t('checks.met')}
              </Badge>
              <Badge tone="warn">
                {count(['needs-confirmation', 'warn'])} {t('checks.toConfirm')}
              </Badge>
              <Badge tone="bad">
                {count(['failed', 'no-evidence'])} {t('checks.open')}
              </Badge>
            </span>
          )}
          <button type="button" className="btn" onClick={() => verify()} disabled={busy}>
            {busy && <Spinner />}
            {t('checks.verify')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => verify(true)}
            disabled={busy}
            title={t('checks.probeHelp')}
            data-testid="verify-probe"
          >
            {t('checks.probe')}
          </button>
        </div>
      }
    >
      <p className="muted small">{t('checks.probeHelp')}</p>
      <ul className="checks-list" data-testid="checks">
        {(checks ?? []).map((r) => (
          <CheckRow key={r.checkpointId} result={r} title={titles.get(r.checkpointId) ?? r.checkpointId} />
        ))}
      </ul>
    </Card>
  );
}
