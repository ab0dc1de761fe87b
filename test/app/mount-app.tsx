import { act, render } from '@testing-library/react';
import { App } from '../../renderer/src/App';
import { createAppStore } from '../../renderer/src/store/app-store';
import { StoreContext } from '../../renderer/src/store/use-app';
import { RunTracker } from '../../electron/engine/api/run-tracker';
import { fakeApi } from './fake-api';

/** The whole wizard in jsdom over a fake API, started as the app starts (recent workspaces read, no workspace open). */
export async function mountApp(fake = fakeApi()) {
  const store = createAppStore(fake.api, { saveDelayMs: 0 });
  await act(async () => {
    await store.getState().start();
  });
  render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
  return { store, fake };
}

/**
 * Plays a one-scenario run that fails, through the run tracker the engine uses, into the fake transport (as the real
 * one emits into IPC or SSE).
 */
export function playFailedRun(
  fake: ReturnType<typeof fakeApi>,
  scenarioId: string,
  error: string,
  errorAr?: string,
): void {
  const tracker = new RunTracker((name, payload) => fake.fire(name, payload));
  act(() => {
    tracker.handle({ type: 'run-started', runId: 'r1', scenarios: [scenarioId] });
    tracker.handle({ type: 'scenario-started', runId: 'r1', scenarioId });
    tracker.handle({
      type: 'scenario-finished',
      runId: 'r1',
      scenarioId,
      status: 'failed',
      error,
      ...(errorAr ? { errorAr } : {}),
    });
  });
}
