import { useEffect, useRef, useState } from 'react';
import { Badge, Card, Field, statusTone } from '../components/common';
import { useApp, useT } from '../store/use-app';

export function RunStep() {
  const t = useT();
  const run = useApp((s) => s.run);
  const plan = useApp((s) => s.plan);
  const thumbs = useApp((s) => s.thumbs);
  const startRun = useApp((s) => s.startRun);
  const stopRun = useApp((s) => s.stopRun);
  const defaultConcurrency = useApp((s) => s.ws?.workspace.browser.concurrency ?? 2);
  const [concurrency, setConcurrency] = useState(defaultConcurrency);
  const logRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    logRef.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [run.log.length]);

  const byId = new Map(run.scenarios.map((s) => [s.id, s]));
  const ids = plan?.scenarios.map((s) => s.id) ?? run.scenarios.map((s) => s.id);
  const done = run.scenarios.filter(
    (s) => s.status === 'passed' || s.status === 'failed' || s.status === 'skipped',
  ).length;

  return (
    <div className="stack">
      <Card
        title={t('run.title')}
        actions={
          <div className="row gap center">
            <Badge tone={run.running ? 'info' : 'muted'} testId="run-state">
              {run.running ? t('run.running') : t('run.idle')}
            </Badge>
            {run.runId && <span className="mono small muted">{run.runId}</span>}
          </div>
        }
      >
        <div className="row gap end wrap">
          <Field label={t('run.concurrency')}>
            <input
              type="number"
              min={1}
              max={8}
              value={concurrency}
              onChange={(e) => setConcurrency(Math.max(1, Math.min(8, Number(e.target.value) || 1)))}
              className="narrow"
            />
          </Field>
          <button
            type="button"
            className="btn btn-primary"
            disabled={run.running}
            onClick={() => startRun({ concurrency })}
            data-testid="run-start"
          >
            {t('run.start')}
          </button>
          <button
            type="button"
            className="btn"
            disabled={run.running}
            onClick={() => startRun({ concurrency, resume: true })}
            data-testid="run-resume"
          >
            {t('run.resume')}
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={!run.running}
            onClick={stopRun}
            data-testid="run-stop"
          >
            {t('run.stop')}
          </button>
          {run.scenarios.length > 0 && (
            <div className="overall">
              <div className="bar">
                <div className="bar-fill" style={{ width: `${(done / Math.max(1, run.scenarios.length)) * 100}%` }} />
              </div>
              <span className="small muted">
                {done} / {run.scenarios.length}
              </span>
            </div>
          )}
        </div>
      </Card>
      <div className="grid-run">
        <Card title={t('run.progress')}>
          <ul className="scenario-runs" data-testid="run-scenarios">
            {ids.map((id) => {
              const s = byId.get(id);
              const status = s?.status ?? 'pending';
              const pct =
                status === 'passed' || status === 'failed' ? 100 : s && s.steps ? (s.step / s.steps) * 100 : 0;
              const thumb = thumbs[id];
              return (
                <li key={id} className={`scenario-run status-${status}`} data-testid={`run-${id}`} data-status={status}>
                  <div className="thumb">
                    {thumb?.dataUrl ? <img src={thumb.dataUrl} alt={thumb.url} /> : <div className="thumb-empty" />}
                  </div>
                  <div className="scenario-run-main">
                    <div className="row between center">
                      <span className="mono small">{id}</span>
                      <Badge tone={statusTone(status)}>{t(`status.${status}`)}</Badge>
                    </div>
                    <div className="bar thin">
                      <div className={`bar-fill tone-${statusTone(status)}`} style={{ width: `${pct}%` }} />
                    </div>
                    <span className="small muted ellipsis" dir="ltr">
                      {s?.message ?? thumb?.url ?? ''}
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        </Card>
        <Card title={t('run.log')}>
          {run.log.length === 0 && <p className="muted">{t('run.noLog')}</p>}
          <ol className="log" ref={logRef} data-testid="run-log" dir="ltr">
            {run.log.map((l, i) => (
              <li key={i} className={`log-${l.level}`}>
                <time>{l.at.slice(11, 19)}</time> {l.line}
              </li>
            ))}
          </ol>
        </Card>
      </div>
    </div>
  );
}
