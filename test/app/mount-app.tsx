import { act, render } from '@testing-library/react';
import { App } from '../../renderer/src/App';
import { createAppStore } from '../../renderer/src/store/app-store';
import { StoreContext } from '../../renderer/src/store/use-app';
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
