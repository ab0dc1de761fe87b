import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { LogEntry, ScenarioRun } from '../../../shared/api/contract';
import { logText } from '../../../shared/api/run-log';
import type { Language } from '../../../shared/aps/methods';
import { LIMITS } from '../../../shared/limits';
import { Badge, BidiText, Card, statusTone } from '../components/common';
import { SignoffPanel } from '../components/SignoffPanel';
import { useApp, useCatalogName, useT } from '../store/use-app';

const COUNTED = ['passed', 'failed', 'skipped', 'stopped'] as const;
type Counted = (typeof COUNTED)[number];

function countRows(rows: ScenarioRun[]): Record<Counted, number> {
  const n = { passed: 0, failed: 0, skipped: 0, stopped: 0 };
  for (const r of rows) if ((COUNTED as readonly string[]).includes(r.status)) n[r.status as Counted]++;
  return n;
}

/** A log line in the interface language: said from its event when it has one, else the engine's English line. */
function lineText(entry: LogEntry, lang: Language): { text: string; lang: Language } {
  if (entry.event) return { text: logText(entry.event)[lang], lang };
  return { text: entry.line, lang: 'en' };
}

/** The run's log; it follows new lines by scrolling itself, never the window, and only while read at its end. */
function RunLog() {
  const t = useT();
  const log = useApp((s) => s.run.log);
  const lang = useApp((s) => s.lang);
  const ref = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [log.length]);
  return (
    <Card title={t('run.log')}>
      {log.length === 0 && <p className="muted">{t('run.noLog')}</p>}
      {/* The log role sits on the scrolling box; the list inside stays a list for screen readers. */}
      <div
        className="log"
        ref={ref}
        data-testid="run-log"
        dir={lang === 'ar' ? 'rtl' : 'ltr'}
        tabIndex={0}
        role="log"
        aria-label={t('run.log')}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        <ol className="log-lines">
          {log.map((l, i) => {
            const line = lineText(l, lang);
            return (
              <li key={i} className={`log-${l.level}`} lang={line.lang} dir={line.lang === 'ar' ? 'rtl' : 'ltr'}>
                <time dir="ltr">{l.at.slice(11, 19)}</time>{' '}
                {line.lang === 'ar' ? <BidiText text={line.text} /> : line.text}
              </li>
            );
          })}
        </ol>
      </div>
    </Card>
  );
}

function ProgressBar({ rows }: { rows: ScenarioRun[] }) {
  const t = useT();
  const n = countRows(rows);
  const total = rows.length;
  // Stopped scenarios did not run to an end: they show in the bar, but are not counted as run.
  const done = n.passed + n.failed + n.skipped;
  const pct = (k: Counted) => `${total ? (n[k] / total) * 100 : 0}%`;
  return (
    <div
      className="overall"
      data-testid="run-progress"
      data-total={total}
      data-done={done}
      data-passed={n.passed}
      data-failed={n.failed}
      data-skipped={n.skipped}
      data-stopped={n.stopped}
    >
      <div
        className="bar stacked"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done + n.stopped}
        aria-label={t('run.progress')}
      >
        {COUNTED.map((k) => (
          <div key={k} className={`bar-fill tone-${statusTone(k)} seg-${k}`} style={{ width: pct(k) }} />
        ))}
      </div>
      <span className="small" data-testid="run-progress-text">
        {t('run.doneOf').replace('{done}', String(done)).replace('{total}', String(total))}
        {COUNTED.filter((k) => n[k] > 0).map((k) => (
          <span key={k} className={`count count-${k}`}>
            {' · '}
            {n[k]} {t(`count.${k}`)}
          </span>
        ))}
      </span>
    </div>
  );
}

/** How the last run ended and what to do next. */
function RunSummary() {
  const t = useT();
  const last = useApp((s) => s.lastRun);
  const rows = useApp((s) => s.run.scenarios);
  const startRun = useApp((s) => s.startRun);
  const goTo = useApp((s) => s.goTo);
  if (!last) return null;
  const failed = rows.filter((r) => r.status === 'failed').map((r) => r.id);
  const unfinished = rows.filter((r) => r.status === 'stopped' || r.status === 'pending').length;
  const next = failed.length > 0 ? t('run.nextFailed') : unfinished > 0 ? t('run.nextStopped') : t('run.nextEvidence');
  return (
    <Card title={t(last.userStopped ? 'run.stoppedTitle' : 'run.finishedTitle')} testId="run-summary">
      <p>
        {[
          `${last.passed} ${t('count.passed')}`,
          `${last.failed} ${t('count.failed')}`,
          `${last.skipped} ${t('count.skipped')}`,
          `${last.stopped} ${t('count.stopped')}`,
        ].join(' · ')}
      </p>
      <p className="next-step">
        <strong>{t('run.next')}:</strong> {next}
      </p>
      <div className="row gap wrap">
        {failed.length > 0 && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => startRun({ only: failed })}
            data-testid="run-rerun-failed"
          >
            {t('run.rerunFailed').replace('{n}', String(failed.length))}
          </button>
        )}
        {unfinished > 0 && (
          <button type="button" className="btn" onClick={() => startRun({ resume: true })}>
            {t('run.resume')}
          </button>
        )}
        <button type="button" className="btn" onClick={() => goTo('evidence')} data-testid="run-to-evidence">
          {t('run.toEvidence')}
        </button>
      </div>
    </Card>
  );
}

export function RunStep() {
  const t = useT();
  const lang = useApp((s) => s.lang);
  const name = useCatalogName();
  const run = useApp((s) => s.run);
  const plan = useApp((s) => s.plan);
  const thumbs = useApp((s) => s.thumbs);
  const last = useApp((s) => s.lastRun);
  const startRun = useApp((s) => s.startRun);
  const stopRun = useApp((s) => s.stopRun);
  const defaultConcurrency = useApp((s) => s.ws?.workspace.browser.concurrency ?? LIMITS.concurrency.default);
  const [concurrency, setConcurrency] = useState(defaultConcurrency);
  const concurrencyId = useId();
  const { min, max } = LIMITS.concurrency;
  useEffect(() => setConcurrency(defaultConcurrency), [defaultConcurrency]);

  const rows = run.scenarios;
  const byId = new Map(rows.map((s) => [s.id, s]));
  // The run's own list when there is one (a re-run of two scenarios shows those two), else the plan.
  const ids = rows.length ? rows.map((s) => s.id) : (plan?.scenarios.map((s) => s.id) ?? []);
  const title = (id: string) => name('scenario', id, plan?.scenarios.find((s) => s.id === id)?.title ?? id);
  const state = run.running ? 'running' : last ? 'finished' : 'idle';

  return (
    <div className="stack">
      <section className="card run-controls" aria-label={t('run.title')}>
        <div className="card-head">
          <h2 className="card-title">{t('run.title')}</h2>
          <div className="row gap-s center wrap">
            <Badge tone={run.running ? 'info' : 'muted'} testId="run-state">
              {t(`run.state.${state}`)}
            </Badge>
            {run.runId && (
              <span className="mono small muted" dir="ltr">
                {run.runId}
              </span>
            )}
          </div>
        </div>
        <div className="card-body">
          <div className="row gap end wrap">
            <div className="field inline-field">
              <label className="field-label" htmlFor={concurrencyId}>
                {t('run.concurrency')}
              </label>
              <input
                id={concurrencyId}
                type="number"
                min={min}
                max={max}
                value={concurrency}
                onChange={(e) => setConcurrency(Math.max(min, Math.min(max, Number(e.target.value) || min)))}
                className="narrow"
              />
            </div>
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
              title={t('run.resumeHelp')}
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
            {rows.length > 0 && <ProgressBar rows={rows} />}
          </div>
        </div>
      </section>
      {!run.running && last && (
        <>
          <RunSummary />
          <SignoffPanel />
        </>
      )}
      <div className="grid-run">
        <Card title={t('run.scenarios')}>
          <ul className="scenario-runs" data-testid="run-scenarios" aria-label={t('run.scenarios')} tabIndex={0}>
            {ids.map((id) => {
              const s = byId.get(id);
              const status = s?.status ?? 'pending';
              const pct = ['passed', 'failed', 'skipped'].includes(status)
                ? 100
                : s && s.steps
                  ? (s.step / s.steps) * 100
                  : 0;
              const thumb = thumbs[id];
              return (
                <li key={id} className={`scenario-run status-${status}`} data-testid={`run-${id}`} data-status={status}>
                  <div className="thumb">
                    {thumb?.dataUrl ? (
                      <img src={thumb.dataUrl} alt={t('run.thumbAlt').replace('{url}', thumb.url)} />
                    ) : (
                      <div className="thumb-empty" />
                    )}
                  </div>
                  <div className="scenario-run-main">
                    <div className="row between center gap-s">
                      <span className="scenario-name">
                        <span className="ellipsis">{title(id)}</span>
                        <span className="mono small muted ellipsis" dir="ltr">
                          {id}
                        </span>
                      </span>
                      <Badge tone={statusTone(status)}>{t(`status.${status}`)}</Badge>
                    </div>
                    <div className="bar thin" aria-hidden="true">
                      <div className={`bar-fill tone-${statusTone(status)}`} style={{ width: `${pct}%` }} />
                    </div>
                    <span className="small muted ellipsis" dir="auto">
                      {/* The engine's own words for a stopped scenario name CLI options; the app has buttons. */}
                      {status === 'stopped' ? (
                        t('run.stoppedRow')
                      ) : lang === 'ar' && s?.messageAr ? (
                        <BidiText text={s.messageAr} />
                      ) : (
                        (s?.message ?? thumb?.url ?? '')
                      )}
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        </Card>
        <RunLog />
      </div>
    </div>
  );
}
