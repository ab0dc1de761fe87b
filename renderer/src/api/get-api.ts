import { bridgeApi, type CertkitBridge } from '../../../shared/api/client';
import type { CertkitApi } from '../../../shared/api/contract';
import { httpApi, takeToken } from './http-client';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in the browser host. */
    certkit?: CertkitBridge;
  }
}

/** The one API object the app uses: Electron's preload bridge when present, else the browser host's HTTP client. */
export function resolveApi(): CertkitApi | undefined {
  if (window.certkit) return bridgeApi(window.certkit);
  const token = takeToken();
  return token ? httpApi(token) : undefined;
}
