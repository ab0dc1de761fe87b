import type { Browser } from 'puppeteer-core';
import { CertkitError } from '../errors';
import { engineOfPath, type BrowserEngine } from './engine';
import { launchTiedBrowser } from './lifetime';
import { isHeadlessShell } from './resolve';

export interface LaunchOptions {
  executablePath: string;
  /** Default: told from the executable's name (firefox, firefox-esr: Firefox; anything else: Chromium). */
  engine?: BrowserEngine;
  headful?: boolean;
  /** Extra switches for the browser (tests use them to simulate conditions). */
  args?: string[];
  /** False launches with REQUIRED_ARGS only (the benchmark's plain baseline). */
  tuning?: boolean;
  /**
   * Firefox only: accept any certificate error. Firefox has no way to trust one certificate by its key (Chromium's
   * allow-list), so a run against the https sandbox in Firefox needs this; the run says so in its log.
   */
  acceptInsecureCerts?: boolean;
}

/** Firefox preferences on top of puppeteer's: nothing fetched or updated in the background during a run. */
const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
};

/**
 * Firefox is driven over WebDriver BiDi on a loopback port: puppeteer has no pipe for it, so the lifetime guarantee
 * rests on the watchdog alone (browser/lifetime.ts), which kills its process group when Certkit goes.
 */
function launchFirefox(options: LaunchOptions): Promise<Browser> {
  return launchTiedBrowser({
    browser: 'firefox',
    executablePath: options.executablePath,
    headless: !options.headful,
    args: options.args ?? [],
    extraPrefsFirefox: FIREFOX_PREFS,
    acceptInsecureCerts: options.acceptInsecureCerts,
    defaultViewport: options.headful ? null : DEFAULT_VIEWPORT,
    protocolTimeout: 60_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/** What Chromium needs on any machine Certkit runs on: no sandbox as root, and nothing phoning home or updating. */
export const REQUIRED_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** Certkit's tuning on top: less work per browser context, and no throttling of scenarios running side by side. */
const TUNING_ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  // New headless builds a WebUI omnibox popup (two renderers, ~1.5 s of CPU here) for every browser context,
  // which is most of what a fresh context costs.
  '--disable-features=Translate,MediaRouter,OptimizationHints,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
  '--hide-scrollbars',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-ipc-flooding-protection',
  '--font-render-hinting=none',
];

/** A common desktop size; most checkout pages fit it whole, which makes their full-page shot cheap. */
export const DEFAULT_VIEWPORT = { width: 1280, height: 1024 };

/** puppeteer's headless setting for an executable: the shell takes plain --headless, full Chrome --headless=new. */
export function headlessMode(executablePath: string): 'shell' | true {
  return isHeadlessShell(executablePath) ? 'shell' : true;
}

export async function launchBrowser(options: LaunchOptions): Promise<Browser> {
  const firefox = (options.engine ?? engineOfPath(options.executablePath)) === 'firefox';
  if (options.headful && isHeadlessShell(options.executablePath)) {
    throw new CertkitError(`${options.executablePath} is Chrome's headless shell, which cannot open a window`, {
      hint: 'a visible browser (guided capture, --headful) needs a full Chrome, Edge or Chromium: give one with --browser PATH or browser.path in certkit.json',
      exitCode: 2,
    });
  }
  try {
    if (firefox) return await launchFirefox(options);
    return await launchTiedBrowser({
      executablePath: options.executablePath,
      headless: options.headful ? false : headlessMode(options.executablePath),
      args: [...REQUIRED_ARGS, ...(options.tuning === false ? [] : TUNING_ARGS), ...(options.args ?? [])],
      defaultViewport: options.headful ? null : DEFAULT_VIEWPORT,
      protocolTimeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    if (options.headful && /Missing X server|DISPLAY/i.test(reason)) {
      throw new CertkitError(
        `Could not open a browser window: this machine has no display (${options.executablePath})`,
        {
          hint: 'run it under a virtual display (xvfb-run certkit ...), or run headless: leave out --headful, or set browser.headless to true in certkit.json',
          exitCode: 1,
          cause: err,
        },
      );
    }
    throw new CertkitError(`Could not start the browser at ${options.executablePath}: ${reason}`, {
      hint: firefox
        ? 'check that it is a Firefox executable that runs on this machine (try it with --version), or choose another with --browser PATH'
        : 'check that it is a Chrome, Edge or Chromium executable that runs on this machine (try it with --version), or choose another with --browser PATH',
      exitCode: 1,
      cause: err,
    });
  }
}
