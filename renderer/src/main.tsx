import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api/get-api';
import { App } from './App';
import { createAppStore } from './store/app-store';
import { StoreContext } from './store/use-app';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const api = resolveApi();
if (!api) {
  root.render(
    <div className="welcome">
      <h1>Certkit</h1>
      <p>
        This page needs the address `certkit app` printed: it carries the access token of this launch, valid until
        Certkit stops. Open that address instead.
      </p>
    </div>,
  );
} else {
  const store = createAppStore(api, { lang: localStorage.getItem('certkit.lang') === 'ar' ? 'ar' : 'en' });
  store.subscribe((s, prev) => {
    if (s.lang !== prev.lang) localStorage.setItem('certkit.lang', s.lang);
  });
  void store.getState().start();
  root.render(
    <StrictMode>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </StrictMode>,
  );
}
