import { describe, expect, it } from 'vitest';
import { logText } from '../../shared/api/run-log';
import { scenarioEvidenceSchema } from '../../shared/schema/evidence';
import { both, readsArabic } from '../../shared/text';
import { CATALOG } from '../../shared/aps/catalog-index';
import { CertkitError } from '../../electron/engine/errors';
import { unrunEvidence } from '../../electron/engine/run/job';
import {
  type ScenarioFailure,
  scenarioTimeoutFailure,
  stoppedFailure,
  browserClosedFailure,
} from '../../electron/engine/capture/scenario-failure';
import { explainStepError, type ExplainedError } from '../../electron/engine/capture/step-label';

function arabicOf(said: ExplainedError) {
  return {
    m: { en: said.message, ar: said.ar?.message ?? '' },
    h: { en: said.hint ?? '', ar: said.ar?.hint ?? '' },
  };
}

describe('a failed scenario says why in Arabic too', () => {
  it('runner failures keep their English and carry Arabic', () => {
    const cases: [ScenarioFailure, string, string][] = [
      [stoppedFailure(2), 'the run was stopped', 'run again with --resume to finish the remaining scenarios'],
      [
        scenarioTimeoutFailure(90_000, 1),
        'the scenario took longer than 90 s',
        'raise capture.scenarioTimeoutMs, or see which page is slow',
      ],
      [
        browserClosedFailure(0),
        'the browser closed during the scenario',
        'run the scenario again (certkit run --resume reruns only what is not complete)',
      ],
    ];
    for (const [failure, message, hint] of cases) {
      expect(failure.message).toBe(message);
      expect(failure.hint).toBe(hint);
      expect(readsArabic(failure.ar?.message ?? '')).toBe(true);
      expect(readsArabic(failure.ar?.hint ?? '')).toBe(true);
    }
    expect(scenarioTimeoutFailure(90_000, 1).ar?.message).toContain('90');
  });

  it('a selector that never appeared names the selector in both languages', () => {
    const raw = { type: 'click', selectors: [['#pay']] };
    const said = arabicOf(
      explainStepError(new Error('Waiting for selector `#pay` failed: Timeout 5000ms exceeded'), raw, 5000),
    );
    expect(said.m.en).toBe('the element #pay did not appear within 5 s');
    expect(readsArabic(said.m.ar)).toBe(true);
    expect(said.m.ar).toContain('#pay');
    expect(readsArabic(said.h?.ar ?? '')).toBe(true);
  });

  it('a navigation timeout and an unreachable address read Arabic', () => {
    const nav = arabicOf(explainStepError(new Error('Navigation timeout of 8000 ms exceeded'), undefined, 8000));
    expect(nav.m.en).toBe('the page did not finish loading within 8 s');
    expect(readsArabic(nav.m.ar)).toBe(true);
    const raw = { type: 'navigate', url: 'http://127.0.0.1:9/shop' };
    const net = arabicOf(
      explainStepError(new Error('net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/shop'), raw, 8000),
    );
    expect(net.m.en).toBe('http://127.0.0.1:9/shop could not be reached (ERR_CONNECTION_REFUSED)');
    expect(readsArabic(net.m.ar)).toBe(true);
    expect(net.m.ar).toContain('\u200Ehttp://127.0.0.1:9/shop\u200E');
  });

  it("a browser's own words stay English only", () => {
    const said = explainStepError(new Error('Something odd\nstack'), undefined, 5000);
    expect(said.message).toBe('Something odd');
    expect(said.ar).toBeUndefined();
  });

  it('evidence without ar still loads; the Run log says the Arabic reason, else the English', () => {
    const withoutAr = { message: 'the run was stopped', step: 1 };
    expect(scenarioEvidenceSchema.shape.error.safeParse(withoutAr).success).toBe(true);
    const line = logText({
      kind: 'scenario-finished',
      scenarioId: 'card-success',
      status: 'failed',
      error: 'the run was stopped (fix: x)',
      errorAr: 'أُوقف التشغيل',
    });
    expect(line.en).toBe('card-success: failed (the run was stopped (fix: x))');
    expect(line.ar).toContain('أُوقف التشغيل');
    expect(line.ar).not.toContain('the run was stopped');
    const old = logText({ kind: 'scenario-finished', scenarioId: 'x', status: 'failed', error: 'boom' });
    expect(old.ar).toContain('boom');
  });
});

describe('a scenario that could not start', () => {
  it("keeps the Arabic of the engine's reason in its evidence, and none for a plain error", () => {
    const s = CATALOG.scenarios.get('card-declined');
    const customer = { email: 'noura@example.com' };
    const reason = new CertkitError(both('no flow for card-declined', 'لا مسار للسيناريو card-declined'), {
      hint: both('import one', 'استورد مسارًا'),
    });
    const ev = unrunEvidence('r1', s, customer, 'failed', reason);
    expect(ev.error).toEqual({
      message: 'no flow for card-declined',
      hint: 'import one',
      ar: { message: 'لا مسار للسيناريو card-declined', hint: 'استورد مسارًا' },
    });
    expect(scenarioEvidenceSchema.parse(ev).error?.ar?.message).toBe('لا مسار للسيناريو card-declined');
    expect(unrunEvidence('r1', s, customer, 'failed', new Error('browser gone')).error).toEqual({
      message: 'browser gone',
    });
  });
});
