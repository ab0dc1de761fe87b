import puppeteer, { type Browser } from 'puppeteer-core';
import { CertkitError } from '../errors';
import type { BrowserEngine } from './engine';
import { DEFAULT_VIEWPORT } from './launch';

/** How long a remote endpoint gets to answer before Certkit gives up on it. */
export const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The endpoint as it may be shown: scheme, host and path. A query string often carries a token (browserless's
 * ?token=), which stays out of messages and logs.
 */
export function describeEndpoint(endpoint: string): string {
  const [bare, query] = endpoint.split('?');
  // host:port is no address with a scheme (URL would read "host:" as one): shown as it was typed.
  if (!bare.includes('//')) return `${bare}${query !== undefined ? '?…' : ''}`;
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    // Not a URL at all: shown without anything after a '?', for the same reason.
    return bare;
  }
}

const HINT =
  'give the browser\'s DevTools WebSocket URL (Chrome started with --remote-debugging-port=9222 prints "DevTools listening on ws://..."), ' +
  'or http://HOST:9222 to look it up; a browserless service takes ws://HOST:3000?token=..., a Selenium Grid 4 node ws://GRID:4444/session/ID/se/cdp; ' +
  'Firefox started with --remote-debugging-port=9222 prints "WebDriver BiDi listening on ws://...": give that with --browser firefox';

/**
 * Firefox prints its WebDriver BiDi address without a path, but new sessions are opened at /session, and it has no
 * http lookup like Chrome's /json/version: the address is taken as the person copied it, or as host:port over http.
 */
export function bidiSessionUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.protocol === 'http:' || url.protocol === 'https:') url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/session';
  return url.toString();
}

/** Checks the endpoint's form before anything is started: exit 2 for a value that cannot be one. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CertkitError(`--connect ${describeEndpoint(endpoint)} is not a URL`, { hint: HINT, exitCode: 2 });
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new CertkitError(`--connect ${describeEndpoint(endpoint)} is not a ws://, wss:// or http:// address`, {
      hint: HINT,
      exitCode: 2,
    });
  }
  return url;
}

/**
 * Attaches to a browser someone else started and keeps running: Certkit opens its own browser contexts in it and, at
 * the end, disconnects (Browser.disconnect), never closing the browser. http(s) addresses are looked up through the
 * browser's /json/version; Firefox (WebDriver BiDi) takes its ws:// address as it is.
 */
export async function connectBrowser(endpoint: string, engine: BrowserEngine = 'chromium'): Promise<Browser> {
  const url = parseEndpoint(endpoint);
  const where = describeEndpoint(endpoint);
  const lookup = engine !== 'firefox' && (url.protocol === 'http:' || url.protocol === 'https:');
  let timer: NodeJS.Timeout | undefined;
  const attempt = puppeteer.connect({
    ...(lookup
      ? { browserURL: endpoint }
      : { browserWSEndpoint: engine === 'firefox' ? bidiSessionUrl(endpoint) : endpoint }),
    protocol: engine === 'firefox' ? 'webDriverBiDi' : 'cdp',
    defaultViewport: DEFAULT_VIEWPORT,
    protocolTimeout: 60_000,
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } catch (err) {
    // A connection that completes after the timeout is not ours to keep open.
    void attempt.then((b) => b.disconnect()).catch(() => undefined);
    const reason = (err as Error).message.split('\n')[0].replaceAll(endpoint, where);
    throw new CertkitError(`Could not connect to the browser at ${where}: ${reason}`, {
      hint: `check that the browser is running and reachable from here; ${HINT}`,
      exitCode: 2,
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
}
