import type { LogEntry, RunStatus, ScenarioRun } from '../../../shared/api/contract';
import { assertNever } from '../../../shared/assert-never';
import type { RunEvent } from '../../../shared/schema/events';
import { logText, type LogEvent } from '../../../shared/api/run-log';
import type { Emit } from './context';

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
  stopped: number;
}

const MAX_LOG = 400;

/**
 * Turns the run engine's events into the app's view of a run (per-scenario progress and a log) and forwards
 * them as contract events. Kept apart from the runner so a window that opens mid-run can ask for the state.
 */
export class RunTracker {
  running = false;
  runId?: string;
  stopped = false;
  readonly scenarios = new Map<string, ScenarioRun>();
  readonly log: LogEntry[] = [];

  constructor(private readonly emit: Emit) {}

  /** A new run: every scenario it will do is pending, so progress counts against the whole of it from the start. */
  begin(runId: string, scenarioIds: string[]): void {
    if (this.runId !== runId) this.stopped = false;
    this.running = true;
    this.runId = runId;
    this.scenarios.clear();
    for (const id of scenarioIds) this.scenarios.set(id, { id, status: 'pending', step: 0, steps: 0 });
    this.emit('run.started', { runId, scenarios: scenarioIds });
  }

  /** A log line from what it says: its English is the line, and the app says it in Arabic from the same event. */
  note(level: 'info' | 'warn' | 'error', event: LogEvent): void {
    const entry = { at: new Date().toISOString(), level, line: logText(event).en, event };
    this.log.push(entry);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    this.emit('run.log', entry);
  }

  #update(runId: string, id: string, patch: Partial<ScenarioRun>): void {
    const next = { ...(this.scenarios.get(id) ?? { id, status: 'pending' as const, step: 0, steps: 0 }), ...patch };
    this.scenarios.set(id, next);
    this.emit('run.progress', { ...next, runId });
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
        this.begin(event.runId, event.scenarios);
        this.note('info', {
          kind: 'run-started',
          runId: event.runId,
          scenarios: event.scenarios.length,
          ...(event.browser ? { browser: event.browser } : {}),
        });
        break;
      case 'scenario-started':
        this.#update(event.runId, event.scenarioId, { status: 'running' });
        this.note('info', { kind: 'scenario-started', scenarioId: event.scenarioId });
        break;
      case 'step':
        this.#update(event.runId, event.scenarioId, {
          status: 'running',
          step: event.step,
          steps: event.total,
          message: event.label,
        });
        break;
      case 'captured':
        this.emit('run.captured', {
          runId: event.runId,
          scenarioId: event.scenarioId,
          file: event.file,
          slot: event.slot,
          url: event.url,
        });
        break;
      case 'scenario-finished': {
        const prev = this.scenarios.get(event.scenarioId);
        // After Stop, the engine ends the scenarios in flight as failed and the rest as skipped; neither is a
        // verdict on the merchant's integration, so the app calls both what they are: stopped.
        const stopped = this.stopped && event.status !== 'passed';
        this.#update(event.runId, event.scenarioId, {
          status: stopped ? 'stopped' : event.status,
          step: prev?.steps ?? prev?.step ?? 0,
          message:
            event.error ?? (event.merchantReference ? `merchant_reference ${event.merchantReference}` : undefined),
          messageAr: event.errorAr,
        });
        this.note(event.status === 'failed' && !stopped ? 'error' : 'info', {
          kind: 'scenario-finished',
          scenarioId: event.scenarioId,
          status: stopped ? 'stopped' : event.status,
          ...(event.error ? { error: event.error } : {}),
          ...(event.errorAr ? { errorAr: event.errorAr } : {}),
          ...(event.merchantReference ? { merchantReference: event.merchantReference } : {}),
        });
        break;
      }
      case 'warning':
        this.note('warn', {
          kind: 'warning',
          message: event.message,
          ...(event.scenarioId ? { scenarioId: event.scenarioId } : {}),
        });
        break;
      case 'run-finished':
        this.finish(event.runId);
        break;
      default:
        assertNever(event, 'run event');
    }
  }

  /** How the scenarios of the run ended, as the app counts them (stopped apart from failed and skipped). */
  counts(): RunCounts {
    const counts: RunCounts = { passed: 0, failed: 0, skipped: 0, stopped: 0 };
    for (const s of this.scenarios.values()) {
      if (s.status === 'passed' || s.status === 'failed' || s.status === 'skipped' || s.status === 'stopped')
        counts[s.status]++;
    }
    return counts;
  }

  /**
   * Ends the run once (the engine's run-finished, or the run's promise settling, whichever comes first). Scenarios
   * the run never reached (it failed before them) stay pending: they were neither run nor stopped.
   */
  finish(runId: string): void {
    if (!this.running) return;
    this.running = false;
    const { passed, failed, skipped, stopped } = this.counts();
    this.note('info', {
      kind: 'run-finished',
      runId,
      passed,
      failed,
      skipped,
      stopped,
      userStopped: this.stopped,
    });
    this.emit('run.finished', { runId, passed, failed, skipped, stopped: this.stopped, stoppedScenarios: stopped });
  }

  status(): RunStatus {
    return { running: this.running, runId: this.runId, scenarios: [...this.scenarios.values()], log: [...this.log] };
  }
}
