import { both, type Bilingual } from '../../../shared/text';

/** The Arabic of a failure, for the app's Arabic view; the English is the error's own message and hint. */
export interface FailureArabic {
  message: string;
  hint?: string;
}

/**
 * Why a scenario failed, with the fix and the step it failed at (-1: before the first step). Given as Bilingual, it
 * carries the Arabic in `ar`; given as plain English (a browser's own words), it has none.
 */
export class ScenarioFailure extends Error {
  readonly hint?: string;
  readonly ar?: FailureArabic;

  constructor(
    message: string | Bilingual,
    hint?: string | Bilingual,
    readonly step?: number,
  ) {
    super(typeof message === 'string' ? message : message.en);
    this.name = 'ScenarioFailure';
    this.hint = typeof hint === 'string' ? hint : hint?.en;
    if (typeof message !== 'string') {
      const arHint = hint === undefined ? undefined : typeof hint === 'string' ? hint : hint.ar;
      this.ar = arHint === undefined ? { message: message.ar } : { message: message.ar, hint: arHint };
    }
  }
}

const RESUME_HINT = both(
  'run the scenario again (certkit run --resume reruns only what is not complete)',
  'شغّل السيناريو مرة أخرى (الأمر certkit run --resume يعيد تشغيل ما لم يكتمل فقط)',
);

export const BROWSER_CLOSED = {
  message: both('the browser closed during the scenario', 'أُغلق المتصفح أثناء السيناريو'),
  hint: RESUME_HINT,
};

export function stoppedFailure(step: number): ScenarioFailure {
  return new ScenarioFailure(
    both('the run was stopped', 'أُوقف التشغيل'),
    both(
      'run again with --resume to finish the remaining scenarios',
      'شغّل مرة أخرى مع --resume لإكمال السيناريوهات المتبقية',
    ),
    step,
  );
}

export function scenarioTimeoutFailure(scenarioTimeoutMs: number, step: number): ScenarioFailure {
  const seconds = Math.round(scenarioTimeoutMs / 1000);
  return new ScenarioFailure(
    both(`the scenario took longer than ${seconds} s`, `استغرق السيناريو أكثر من ${seconds} ثانية`),
    both(
      'raise capture.scenarioTimeoutMs, or see which page is slow',
      'ارفع capture.scenarioTimeoutMs، أو انظر أي صفحة بطيئة',
    ),
    step,
  );
}

export function browserClosedFailure(step: number): ScenarioFailure {
  return new ScenarioFailure(BROWSER_CLOSED.message, BROWSER_CLOSED.hint, step);
}

/**
 * A failure raised outside the step in flight (the page opened a popup): it ends that step at once, and the
 * scenario with it. The first one tripped is the one reported.
 */
export class Tripwire {
  failure?: ScenarioFailure;
  private readonly listeners = new Set<(failure: ScenarioFailure) => void>();

  trip(failure: ScenarioFailure): void {
    this.failure ??= failure;
    for (const listener of this.listeners) listener(this.failure);
  }

  /** Throws the tripped failure, if any. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Calls `listener` when the wire is tripped; returns the unsubscribe. */
  onTrip(listener: (failure: ScenarioFailure) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
