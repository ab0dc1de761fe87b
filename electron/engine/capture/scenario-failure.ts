/** Why a scenario failed, with the fix and the step it failed at (-1: before the first step). */
export class ScenarioFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly step?: number,
  ) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

export function stoppedFailure(step: number): ScenarioFailure {
  return new ScenarioFailure('the run was stopped', 'run again with --resume to finish the remaining scenarios', step);
}

export function scenarioTimeoutFailure(scenarioTimeoutMs: number, step: number): ScenarioFailure {
  return new ScenarioFailure(
    `the scenario took longer than ${Math.round(scenarioTimeoutMs / 1000)} s`,
    'raise capture.scenarioTimeoutMs, or see which page is slow',
    step,
  );
}

export function browserClosedFailure(step: number): ScenarioFailure {
  return new ScenarioFailure(
    'the browser closed during the scenario',
    'run the scenario again (certkit run --resume reruns only what is not complete)',
    step,
  );
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
