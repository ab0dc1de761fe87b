import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/schema/events';
import { progressPrinter } from '../../electron/engine/run/progress';

const RUN: RunEvent[] = [
  {
    type: 'run-started',
    runId: 'r1',
    scenarios: ['knet-success', 'card-declined'],
    browser: '/usr/lib/chromium/chromium-headless-shell',
  },
  { type: 'scenario-started', runId: 'r1', scenarioId: 'knet-success' },
  { type: 'step', runId: 'r1', scenarioId: 'knet-success', step: 2, total: 6, label: 'Click #pay' },
  {
    type: 'captured',
    runId: 'r1',
    scenarioId: 'knet-success',
    file: '01-knet-checkout.jpg',
    slot: 'knet.checkout',
    url: 'http://x/',
  },
  { type: 'scenario-finished', runId: 'r1', scenarioId: 'knet-success', status: 'passed', merchantReference: 'CK-1' },
  { type: 'scenario-started', runId: 'r1', scenarioId: 'card-declined' },
  { type: 'warning', runId: 'r1', scenarioId: 'card-declined', message: 'capturing the popup window: Target closed' },
  {
    type: 'scenario-finished',
    runId: 'r1',
    scenarioId: 'card-declined',
    status: 'failed',
    error: 'the element #pay did not appear within 30 s',
  },
  { type: 'run-finished', runId: 'r1', passed: 1, failed: 1, skipped: 0 },
];

function print(isTTY: boolean): string {
  let out = '';
  const printer = progressPrinter({ write: (t: string) => (out += t) }, isTTY);
  for (const e of RUN) printer(e);
  return out;
}

describe('run progress', () => {
  it('writes one plain line per event that matters when the output is a log', () => {
    expect(print(false).split('\n')).toEqual([
      'run r1: 2 scenario(s) in /usr/lib/chromium/chromium-headless-shell',
      'knet-success: started',
      'knet-success: captured 01-knet-checkout.jpg (knet.checkout)',
      'knet-success: passed CK-1',
      'card-declined: started',
      'warning: card-declined: capturing the popup window: Target closed',
      'card-declined: failed — the element #pay did not appear within 30 s',
      '',
    ]);
  });

  it('redraws one bar on a terminal, keeping the finished scenarios as lines above it', () => {
    const out = print(true);
    expect(out).not.toContain('\x1b[2Kknet-success: started');
    expect(out).toContain('[........................] 0/2 knet-success: 2/6 Click #pay');
    expect(out).toContain('[############............] 1/2');
    expect(out).toContain('\r\x1b[2Kknet-success: passed CK-1\n');
    // A warning is a line of its own above the bar, not mixed into it.
    expect(out).toContain('\r\x1b[2Kwarning: card-declined: capturing the popup window: Target closed\n');
    // The last thing written clears the bar, so the summary table starts on a clean line.
    expect(out.endsWith('\r\x1b[2K')).toBe(true);
    const finished = out
      .split('\n')
      .map((l) => l.replace(/[\s\S]*\x1b\[2K/, ''))
      .filter((l) => /: (passed|failed)/.test(l));
    expect(finished).toEqual([
      'knet-success: passed CK-1',
      'card-declined: failed — the element #pay did not appear within 30 s',
    ]);
  });
});
