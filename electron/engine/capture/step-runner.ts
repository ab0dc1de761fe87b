import type { Step, UserFlow } from '@puppeteer/replay';
import type { CertkitStep } from '../../../shared/schema/flow';
import { both, LRM } from '../../../shared/text';
import {
  browserClosedFailure,
  ScenarioFailure,
  scenarioTimeoutFailure,
  stoppedFailure,
  type Tripwire,
} from './scenario-failure';
import { isContextReplaced } from './replay-extension';
import { explainStepError, stepLabel } from './step-label';

/** A flow ready to replay: steps with placeholders filled, the raw steps (for labels) and Certkit's tags. */
export interface ReplayPlan {
  flow: UserFlow;
  rawSteps: Record<string, unknown>[];
  tags: CertkitStep[];
}

/** How steps are named in progress events, screenshot headers and errors. */
export interface StepNames {
  /** The step's own label ("Click #pay"). */
  label(i: number): string;
  /** With its place in the flow ("step 4/6: Click #pay"). */
  text(i: number): string;
}

export function stepNames(plan: ReplayPlan): StepNames {
  const total = plan.flow.steps.length;
  const labels = plan.rawSteps.map((raw, i) => stepLabel(raw, plan.tags[i]?.label));
  return {
    label: (i) => labels[i],
    text: (i) => (total ? `step ${i + 1}/${total}: ${labels[i]}` : 'guided capture'),
  };
}

const navigates = (step: Step) =>
  step.type === 'navigate' || !!step.assertedEvents?.some((e) => e.type === 'navigation');

/**
 * Will a tagged step shoot this same document later? Then an untagged shot now is the same page twice (the
 * checkout page, once empty and once filled in). Steps the recording saw navigate end the document.
 */
export function laterStepCaptures(plan: ReplayPlan, i: number): boolean {
  for (let j = i + 1; j < plan.flow.steps.length; j++) {
    if (navigates(plan.flow.steps[j] as Step)) return false;
    if (plan.tags[j]?.slot && plan.tags[j]?.capture !== false) return true;
  }
  return false;
}

/**
 * Is the page shot once step `i` is done? A tagged step always (its slot needs the picture); an untagged one when
 * it brought a new document no later step of the same document will shoot. `capture: false` and window-size
 * steps never.
 */
export function captureAfterStep(plan: ReplayPlan, i: number, navigated: boolean): boolean {
  const tag = plan.tags[i] ?? {};
  if (tag.capture === false || (plan.flow.steps[i] as Step).type === 'setViewport') return false;
  return !!tag.slot || (navigated && !laterStepCaptures(plan, i));
}

/**
 * A page that auto-submits a form (APS and merchants do this between pages) can replace the document while a
 * step is still looking for its element; looking again in the new document is what a person would do.
 */
export async function retryingNavigation(run: () => Promise<void>, tries = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (i >= tries || !isContextReplaced(err)) throw err;
    }
  }
}

export interface StepLimits {
  /** Step index, for the failure. */
  step: number;
  /** Time left before the scenario's deadline. */
  remainingMs: number;
  scenarioTimeoutMs: number;
  signal?: AbortSignal;
  tripwire: Tripwire;
}

/** Runs one step, ended early by the scenario's deadline, the run's stop signal or a tripped wire (a popup). */
export async function raceStep(run: () => Promise<void>, limits: StepLimits): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let untrip: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(scenarioTimeoutFailure(limits.scenarioTimeoutMs, limits.step)),
          limits.remainingMs,
        );
        untrip = limits.tripwire.onTrip(reject);
        onAbort = () => reject(stoppedFailure(limits.step));
        limits.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    untrip?.();
    if (onAbort) limits.signal?.removeEventListener('abort', onAbort);
  }
}

export interface ReplayContext {
  plan: ReplayPlan;
  names: StepNames;
  /** Runs one step in the browser (the replay extension). */
  runStep(step: Step): Promise<void>;
  stepTimeoutMs: number;
  scenarioTimeoutMs: number;
  signal?: AbortSignal;
  tripwire: Tripwire;
  browserConnected(): boolean;
  /** Step `i` starts (progress, the step number recorded with traffic). */
  onStep(i: number): void;
  /** Main-frame documents shown so far. */
  documents(): number;
  /** Shoots the page, for a slot or untagged. */
  capture(slot: string | undefined, label: string): Promise<void>;
}

/** Failure of step `i` in the user's terms; a failure the runner raised itself passes through. */
function stepFailure(err: unknown, c: ReplayContext, i: number): ScenarioFailure {
  if (err instanceof ScenarioFailure) return err;
  const explained = c.browserConnected()
    ? explainStepError(err, c.plan.rawSteps[i], c.stepTimeoutMs, c.plan.flow.steps[i] as Step)
    : browserClosedFailure(i);
  // The step's name and a browser's own words stay as written; the Arabic keeps them in order with LRM.
  const name = c.names.text(i);
  const ar = explained.ar ?? { message: explained.message, hint: explained.hint };
  return new ScenarioFailure(
    both(`${name} failed: ${explained.message}`, `فشلت الخطوة ${LRM}${name}${LRM}: ${ar.message}`),
    explained.hint === undefined ? undefined : both(explained.hint, ar.hint ?? explained.hint),
    i,
  );
}

/**
 * Replays the flow step by step against the scenario's deadline, capturing each page the evidence needs, and the
 * last page if no step did. Throws a ScenarioFailure naming the step that failed.
 */
export async function replaySteps(c: ReplayContext): Promise<void> {
  const { plan, names } = c;
  const total = plan.flow.steps.length;
  const deadline = Date.now() + c.scenarioTimeoutMs;
  let captured = -1;
  for (let i = 0; i < total; i++) {
    if (c.signal?.aborted) throw stoppedFailure(i);
    c.tripwire.check();
    c.onStep(i);
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) throw scenarioTimeoutFailure(c.scenarioTimeoutMs, i);
    const step = plan.flow.steps[i] as Step;
    try {
      await raceStep(() => retryingNavigation(() => c.runStep(step)), {
        step: i,
        remainingMs,
        scenarioTimeoutMs: c.scenarioTimeoutMs,
        signal: c.signal,
        tripwire: c.tripwire,
      });
    } catch (err) {
      throw stepFailure(err, c, i);
    }
    c.tripwire.check();
    if (captureAfterStep(plan, i, c.documents() !== captured)) {
      await c.capture(plan.tags[i]?.slot, names.text(i));
      captured = c.documents();
    }
  }
  c.tripwire.check();
  if (c.documents() !== captured && c.documents() > 0) await c.capture(undefined, `after ${names.text(total - 1)}`);
}
