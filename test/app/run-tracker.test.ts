import { describe, expect, it } from 'vitest';
import { RunTracker } from '../../electron/engine/api/run-tracker';

describe('run tracker', () => {
  it('turns run events into per-scenario progress, thumbnails events and a log', () => {
    const sent: [string, any][] = [];
    const tracker = new RunTracker((e, p) => sent.push([e, p]));
    tracker.handle({ type: 'run-started', runId: 'r', scenarios: ['a', 'b'] });
    tracker.handle({ type: 'scenario-started', runId: 'r', scenarioId: 'a' });
    tracker.handle({ type: 'step', runId: 'r', scenarioId: 'a', step: 3, total: 10, label: 'click #pay' });
    tracker.handle({
      type: 'captured',
      runId: 'r',
      scenarioId: 'a',
      file: '03.jpg',
      slot: 'general.checkout',
      url: 'https://shop/checkout',
    });
    tracker.handle({
      type: 'scenario-finished',
      runId: 'r',
      scenarioId: 'a',
      status: 'passed',
      merchantReference: 'REF-9',
    });
    tracker.handle({
      type: 'warning',
      runId: 'r',
      scenarioId: 'b',
      message: "reading the simulator's exchange log: fetch failed",
    });
    tracker.handle({ type: 'warning', runId: 'r', message: 'writing run.json: EACCES' });
    tracker.handle({
      type: 'scenario-finished',
      runId: 'r',
      scenarioId: 'b',
      status: 'failed',
      error: 'selector #pay never appeared',
    });
    expect(tracker.running).toBe(true);
    tracker.handle({ type: 'run-finished', runId: 'r', passed: 1, failed: 1, skipped: 0 });

    const status = tracker.status();
    expect(status.running).toBe(false);
    expect(status.scenarios).toEqual([
      { id: 'a', status: 'passed', step: 10, steps: 10, message: 'merchant_reference REF-9' },
      { id: 'b', status: 'failed', step: 0, steps: 0, message: 'selector #pay never appeared' },
    ]);
    expect(sent.find(([e]) => e === 'run.progress')?.[1]).toMatchObject({ runId: 'r', id: 'a', status: 'running' });
    expect(sent.filter(([e]) => e === 'run.captured').map(([, p]) => p)).toEqual([
      { runId: 'r', scenarioId: 'a', file: '03.jpg', slot: 'general.checkout', url: 'https://shop/checkout' },
    ]);
    expect(sent.filter(([e]) => e === 'run.finished').map(([, p]) => p)).toEqual([
      { runId: 'r', passed: 1, failed: 1, skipped: 0, stopped: false, stoppedScenarios: 0 },
    ]);
    // Before any scenario reported, the window heard the whole list.
    expect(sent[0]).toEqual(['run.started', { runId: 'r', scenarios: ['a', 'b'] }]);
    expect(status.log.map((l) => [l.level, l.line])).toEqual([
      ['info', 'run r: 2 scenarios'],
      ['info', 'a: started'],
      ['info', 'a: passed ref REF-9'],
      ['warn', "b: reading the simulator's exchange log: fetch failed"],
      ['warn', 'writing run.json: EACCES'],
      ['error', 'b: failed (selector #pay never appeared)'],
      ['info', 'run r finished: 1 passed, 1 failed'],
    ]);
  });

  it('finishes once, and keeps stopped scenarios apart from failed and skipped ones', () => {
    const sent: [string, any][] = [];
    const tracker = new RunTracker((e, p) => sent.push([e, p]));
    tracker.begin('r', ['a', 'b', 'c', 'd', 'e']);
    tracker.handle({ type: 'run-started', runId: 'r', scenarios: ['e', 'a', 'b', 'c', 'd'] });
    // Complete in an earlier run (resume): skipped, reported before anything starts.
    tracker.handle({ type: 'scenario-finished', runId: 'r', scenarioId: 'e', status: 'skipped' });
    tracker.handle({ type: 'scenario-finished', runId: 'r', scenarioId: 'a', status: 'passed' });
    tracker.handle({ type: 'scenario-finished', runId: 'r', scenarioId: 'b', status: 'failed', error: 'declined' });
    tracker.stopped = true;
    // In flight when Stop came, and never started.
    tracker.handle({
      type: 'scenario-finished',
      runId: 'r',
      scenarioId: 'c',
      status: 'failed',
      error: 'the run was stopped',
    });
    tracker.handle({ type: 'scenario-finished', runId: 'r', scenarioId: 'd', status: 'skipped' });
    tracker.handle({ type: 'run-finished', runId: 'r', passed: 1, failed: 2, skipped: 2 });
    tracker.finish('r');
    expect(tracker.status().scenarios.map((s) => [s.id, s.status])).toEqual([
      ['e', 'skipped'],
      ['a', 'passed'],
      ['b', 'failed'],
      ['c', 'stopped'],
      ['d', 'stopped'],
    ]);
    expect(sent.filter(([e]) => e === 'run.finished')).toEqual([
      ['run.finished', { runId: 'r', passed: 1, failed: 1, skipped: 1, stopped: true, stoppedScenarios: 2 }],
    ]);
    expect(tracker.status().log.at(-1)?.line).toBe(
      'run r finished: 1 passed, 1 failed, 1 skipped, 2 stopped (stopped)',
    );
    // The next run starts from nothing: a fresh list, not the last run's counts.
    tracker.begin('r2', ['a']);
    expect(tracker.stopped).toBe(false);
    expect(tracker.status().scenarios).toEqual([{ id: 'a', status: 'pending', step: 0, steps: 0 }]);
    expect(sent.at(-1)).toEqual(['run.started', { runId: 'r2', scenarios: ['a'] }]);
  });
});
