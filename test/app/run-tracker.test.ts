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
      { runId: 'r', passed: 1, failed: 1, skipped: 0, stopped: false },
    ]);
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

  it('finishes once, and says when the user stopped the run', () => {
    const sent: [string, any][] = [];
    const tracker = new RunTracker((e, p) => sent.push([e, p]));
    tracker.begin('r', []);
    tracker.stopped = true;
    tracker.finish('r', { passed: 0, failed: 0, skipped: 2 });
    tracker.finish('r', { passed: 0, failed: 0, skipped: 0 });
    expect(sent.filter(([e]) => e === 'run.finished')).toEqual([
      ['run.finished', { runId: 'r', passed: 0, failed: 0, skipped: 2, stopped: true }],
    ]);
    expect(tracker.status().log.at(-1)?.line).toBe('run r finished: 0 passed, 0 failed, 2 skipped (stopped)');
  });
});
