import { useEffect, useState } from 'react';
import type { CheckResult } from '../../../shared/schema/verify';
import { Badge, Card, statusTone } from '../components/common';
import { useApp, useCatalogName, useT } from '../store/use-app';

function CheckRow({ result, title }: { result: CheckResult; title: string }) {
  const t = useT();
  const confirm = useApp((s) => s.confirm);
  const goTo = useApp((s) => s.goTo);
  const [note, setNote] = useState(result.note ?? '');
  const needs = result.status === 'needs-confirmation' || result.status === 'confirmed';
  return (
    <li
      className={`check-row check-${result.status}`}
      data-testid={`check-${result.checkpointId}`}
      data-status={result.status}
    >
      <div className="row between center">
        <strong>{title}</strong>
        <Badge tone={statusTone(result.status)}>{t(`check.${result.status}`)}</Badge>
      </div>
      {/* The verifier writes in English; dir=auto keeps its numbers and brackets in place in the Arabic view. */}
      <p dir="auto">{result.summary}</p>
      {result.fix && (
        <p className="fix">
          <span>{t('common.fix')}:</span> <bdi>{result.fix}</bdi>
        </p>
      )}
      {result.evidence.length > 0 && (
        <div className="row wrap gap-s small">
          <span className="muted">{t('checks.evidence')}:</span>
          {result.evidence.slice(0, 6).map((e, i) => (
            <button
              key={i}
              type="button"
              className="link mono"
              dir="ltr"
              onClick={() => {
                goTo('evidence');
                setTimeout(
                  () => document.getElementById(`ev-${e.scenarioId}`)?.scrollIntoView({ block: 'center' }),
                  50,
                );
              }}
            >
              {e.scenarioId} · {e.kind} {e.ref}
            </button>
          ))}
        </div>
      )}
      {needs && (
        <div className="confirm-box">
          <textarea
            dir="auto"
            value={note}
            placeholder={t('checks.note')}
            onChange={(e) => setNote(e.target.value)}
            rows={2}
            data-testid={`note-${result.checkpointId}`}
          />
          {result.status === 'needs-confirmation' ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={!note.trim()}
              onClick={() => confirm(result.checkpointId, true, note.trim())}
              data-testid={`confirm-${result.checkpointId}`}
            >
              {t('checks.confirm')}
            </button>
          ) : (
            <button type="button" className="btn" onClick={() => confirm(result.checkpointId, false, note.trim())}>
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
        <div className="row gap center">
          {checks && (
            <span className="row gap-s" data-testid="checks-summary">
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
      <ul className="checks-list" data-testid="checks">
        {(checks ?? []).map((r) => (
          <CheckRow key={r.checkpointId} result={r} title={titles.get(r.checkpointId) ?? r.checkpointId} />
        ))}
      </ul>
    </Card>
  );
}
