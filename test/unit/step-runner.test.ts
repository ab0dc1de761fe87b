import type { Step } from '@puppeteer/replay';
import { describe, expect, it } from 'vitest';
import type { CertkitStep } from '../../shared/schema/flow';
import { ScenarioFailure, Tripwire } from '../../electron/engine/capture/scenario-failure';
import {
  captureAfterStep,
  raceStep,
  replaySteps,
  retryingNavigation,
  stepNames,
  type ReplayContext,
  type ReplayPlan,
} from '../../electron/engine/capture/step-runner';

type RawStep = Record<string, unknown> & { certkit?: CertkitStep };

function plan(steps: RawStep[]): ReplayPlan {
  const rawSteps = steps.map(({ certkit: _tag, ...raw }) => raw);
  return {
    flow: { title: 't', steps: rawSteps as unknown as Step[] },
    rawSteps,
    tags: steps.map((s) => s.certkit ?? {}),
  };
}

const sel = (id: string) => [[`#${id}`]];
const nav = { assertedEvents: [{ type: 'navigation' }] };

/** A browser stand-in: navigate and asserted-navigation steps bring a new document; `fail` makes a step throw. */
function fakeReplay(p: ReplayPlan, over: Partial<ReplayContext> & { fail?: Record<number, Error> } = {}) {
  let documents = 0;
  const shots: { slot?: string; label: string }[] = [];
  const steps: number[] = [];
  const context: ReplayContext = {
    plan: p,
    names: stepNames(p),
    async runStep(step) {
      const i = p.flow.steps.indexOf(step);
      const err = over.fail?.[i];
      if (err) throw err;
      if (step.type === 'navigate' || step.assertedEvents?.length) documents++;
    },
    stepTimeoutMs: 2000,
    scenarioTimeoutMs: 60_000,
    tripwire: new Tripwire(),
    browserConnected: () => true,
    onStep: (i) => steps.push(i),
    documents: () => documents,
    capture: async (slot, label) => {
      shots.push({ slot, label });
    },
    ...over,
  };
  return { context, shots, steps, run: () => replaySteps(context) };
}

describe('step names', () => {
  it('labels steps from the raw recording, a tag label winning, and numbers them', () => {
    const names = stepNames(
      plan([
        { type: 'navigate', url: '{{baseUrl}}/shop' },
        { type: 'click', selectors: sel('pay'), certkit: { label: 'Pay' } },
      ]),
    );
    expect(names.label(0)).toBe('Open {{baseUrl}}/shop');
    expect(names.text(1)).toBe('step 2/2: Pay');
    expect(stepNames(plan([])).text(0)).toBe('guided capture');
  });
});

describe('which pages a replay captures', () => {
  it('shoots each tagged step, and an untagged new page only when no later step of that page is tagged', async () => {
    const r = fakeReplay(
      plan([
        { type: 'navigate', url: '/shop' },
        { type: 'change', selectors: sel('card'), value: '{{card.number}}' },
        { type: 'waitForElement', selectors: sel('pay'), certkit: { slot: 'general.checkout' } },
        { type: 'click', selectors: sel('pay'), ...nav },
        { type: 'click', selectors: sel('next'), ...nav },
        { type: 'waitForElement', selectors: sel('ref'), certkit: { slot: 'general.result' } },
      ]),
    );
    await r.run();
    expect(r.shots).toEqual([
      { slot: 'general.checkout', label: 'step 3/6: Wait for #pay' },
      { slot: undefined, label: 'step 4/6: Click #pay' },
      { slot: 'general.result', label: 'step 6/6: Wait for #ref' },
    ]);
    expect(r.steps).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never shoots after capture:false or a window-size step, and then shoots the last page once at the end', async () => {
    const p = plan([
      { type: 'setViewport', width: 800, height: 600 },
      { type: 'navigate', url: '/shop', certkit: { capture: false } },
    ]);
    expect(captureAfterStep(p, 0, true)).toBe(false);
    expect(captureAfterStep(p, 1, true)).toBe(false);
    const r = fakeReplay(p);
    await r.run();
    expect(r.shots).toEqual([{ slot: undefined, label: 'after step 2/2: Open /shop' }]);
  });

  it('does not shoot the same document twice at the end', async () => {
    const r = fakeReplay(plan([{ type: 'navigate', url: '/shop', certkit: { slot: 'general.checkout' } }]));
    await r.run();
    expect(r.shots).toHaveLength(1);
  });
});

describe('step failures', () => {
  it('names the step and explains a selector timeout in the user’s terms', async () => {
    const r = fakeReplay(
      plan([
        { type: 'navigate', url: '/shop' },
        { type: 'click', selectors: sel('never') },
      ]),
      {
        fail: { 1: new Error('Waiting for selector `#never` failed: Waiting failed: 2000ms exceeded') },
      },
    );
    const err = await r.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioFailure);
    expect(err).toMatchObject({
      message: 'step 2/2: Click #never failed: the element #never did not appear within 2 s',
      step: 1,
    });
  });

  it('says the browser closed when it did, whatever puppeteer said', async () => {
    const r = fakeReplay(plan([{ type: 'click', selectors: sel('x') }]), {
      fail: { 0: new Error('Protocol error (Runtime.callFunctionOn): Target closed') },
      browserConnected: () => false,
    });
    await expect(r.run()).rejects.toMatchObject({
      message: 'step 1/1: Click #x failed: the browser closed during the scenario',
      hint: expect.stringMatching(/--resume/),
    });
  });

  it('stops before the next step once the run is stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const r = fakeReplay(plan([{ type: 'navigate', url: '/shop' }]), { signal: stop.signal });
    await expect(r.run()).rejects.toMatchObject({ message: 'the run was stopped', step: 0 });
    expect(r.steps).toEqual([]);
  });

  it('fails at once when the scenario deadline has already passed', async () => {
    const r = fakeReplay(plan([{ type: 'navigate', url: '/shop' }]), { scenarioTimeoutMs: 0 });
    await expect(r.run()).rejects.toMatchObject({ message: 'the scenario took longer than 0 s', step: 0 });
  });
});

describe('one step against its limits', () => {
  const never = () => new Promise<void>(() => undefined);
  const limits = (over = {}) => ({
    step: 3,
    remainingMs: 60_000,
    scenarioTimeoutMs: 90_000,
    tripwire: new Tripwire(),
    ...over,
  });

  it('ends a step that outlives the scenario deadline', async () => {
    await expect(raceStep(never, limits({ remainingMs: 5 }))).rejects.toMatchObject({
      message: 'the scenario took longer than 90 s',
      hint: expect.stringMatching(/scenarioTimeoutMs/),
      step: 3,
    });
  });

  it('ends a step when the run is stopped', async () => {
    const stop = new AbortController();
    const racing = raceStep(never, limits({ signal: stop.signal }));
    stop.abort();
    await expect(racing).rejects.toMatchObject({ message: 'the run was stopped', step: 3 });
  });

  it('ends a step when the tripwire goes (a popup opened), with that failure', async () => {
    const tripwire = new Tripwire();
    const racing = raceStep(never, limits({ tripwire }));
    const popup = new ScenarioFailure('the page opened a popup window', 'same window', 3);
    tripwire.trip(popup);
    await expect(racing).rejects.toBe(popup);
  });

  it("passes the step's own error through unchanged", async () => {
    const own = new Error('net::ERR_CONNECTION_REFUSED');
    await expect(
      raceStep(async () => {
        throw own;
      }, limits()),
    ).rejects.toBe(own);
  });
});

describe('retrying a step whose document was replaced', () => {
  it('tries again when an auto-submitted page destroyed the context, up to three times', async () => {
    let calls = 0;
    await retryingNavigation(async () => {
      if (++calls < 3) throw new Error('Execution context was destroyed, most likely because of a navigation.');
    });
    expect(calls).toBe(3);
    calls = 0;
    const always = retryingNavigation(async () => {
      calls++;
      throw new Error('Execution context was destroyed');
    });
    await expect(always).rejects.toThrow(/destroyed/);
    expect(calls).toBe(3);
  });

  it('does not retry any other error', async () => {
    let calls = 0;
    const failing = retryingNavigation(async () => {
      calls++;
      throw new Error('net::ERR_CONNECTION_REFUSED');
    });
    await expect(failing).rejects.toThrow(/REFUSED/);
    expect(calls).toBe(1);
  });
});
