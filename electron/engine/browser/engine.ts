import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import type { BrowserEngine } from '../../../shared/schema/workspace';
import type { Env } from '../env';

export type { BrowserEngine };

/** What `--browser` takes besides a path: a browser family, found in the usual places. */
const ENGINE_NAMES: Record<string, BrowserEngine> = {
  chromium: 'chromium',
  chrome: 'chromium',
  firefox: 'firefox',
};

/** A browser is driven as Firefox when its executable says so (firefox, firefox-esr, firefox.exe). */
export function engineOfPath(executablePath: string): BrowserEngine {
  return /firefox/i.test(path.basename(executablePath)) ? 'firefox' : 'chromium';
}

/**
 * `--browser firefox` (or chromium, chrome) names a family to find; anything else is the path of one browser, whose
 * family its name tells (engineOfPath).
 */
export function parseBrowserOption(value: string | undefined): { engine?: BrowserEngine; path?: string } {
  if (!value) return {};
  const engine = ENGINE_NAMES[value.toLowerCase()];
  return engine ? { engine } : { path: value };
}

/** Where Firefox installs itself, per platform (ESR first on Linux, as Debian ships it). */
export function firefoxCandidates(platform: NodeJS.Platform, env: Env): string[] {
  if (platform === 'darwin') {
    const roots = ['/Applications', ...(env.HOME ? [path.posix.join(env.HOME, 'Applications')] : [])];
    return roots.map((root) => path.posix.join(root, 'Firefox.app/Contents/MacOS/firefox'));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)']].filter((r): r is string => !!r);
    return roots.map((root) => path.win32.join(root, 'Mozilla Firefox\\firefox.exe'));
  }
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean);
  const fromPath = dirs.flatMap((d) => ['firefox-esr', 'firefox'].map((n) => path.posix.join(d, n)));
  return [...new Set([...fromPath, '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'])];
}

/**
 * Whether puppeteer drives this browser over CDP (Chromium) or WebDriver BiDi (Firefox). puppeteer knows
 * (Browser.protocol) but marks it internal; a browser without it is taken to be CDP, puppeteer's only protocol before.
 */
export function speaksCdp(browser: Browser): boolean {
  return (browser as unknown as { protocol?: string }).protocol !== 'webDriverBiDi';
}
