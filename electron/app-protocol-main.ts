import type { CustomScheme } from 'electron';
import { RENDERER_CSP } from './engine/host/security';
import { RendererFiles } from './engine/host/static-files';

// The renderer is served from app://certkit/ rather than file://: a page from file:// gets no response headers, so
// the header CSP (which, unlike the meta tag, also covers frame-ancestors) would never apply, and every file on the
// disk would share its origin. The same file rules as the browser host apply (engine/host/static-files.ts).

export const APP_SCHEME = 'app';
export const APP_HOST = 'certkit';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Registered before the app is ready: a standard, secure scheme, so the page is a secure context with an origin. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** True when a URL is a page of our own renderer, on our scheme and host, nothing else. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** The handler behind `protocol.handle('app', ...)`: the built renderer with the CSP as a header. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const files = new RendererFiles(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    if (!isAppUrl(request.url) || (request.method !== 'GET' && request.method !== 'HEAD'))
      return new Response('not found', { status: 404 });
    const file = await files.get(url.pathname);
    if (typeof file === 'string')
      return new Response(file === 'not-built' ? 'not built' : 'not found', { status: 404 });
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), {
      status: 200,
      headers: {
        'content-type': file.type,
        'content-security-policy': RENDERER_CSP,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      },
    });
  };
}
