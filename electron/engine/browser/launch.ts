import puppeteer, { type Browser } from 'puppeteer-core';
import { CertkitError } from '../errors';

export interface LaunchOptions {
  executablePath: string;
  headful?: boolean;
  /** Extra Chromium switches (tests use them to simulate conditions). */
  args?: string[];
}

// Quiet, deterministic Chromium: nothing phones home, nothing updates itself during a run.
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--hide-scrollbars',
  // Scenarios run side by side in one browser; none of them may be slowed down as a "background" page.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--disable-ipc-flooding-protection',
  '--font-render-hinting=none',
];

/** A common desktop size; most checkout pages fit it whole, which makes their full-page shot cheap. */
export const DEFAULT_VIEWPORT = { width: 1280, height: 1024 };

export async function launchBrowser(options: LaunchOptions): Promise<Browser> {
  try {
    return await puppeteer.launch({
      executablePath: options.executablePath,
      headless: !options.headful,
      args: [...BASE_ARGS, ...(options.args ?? [])],
      defaultViewport: options.headful ? null : DEFAULT_VIEWPORT,
      protocolTimeout: 60_000,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    throw new CertkitError(`Could not start the browser at ${options.executablePath}: ${(err as Error).message.split('\n')[0]}`, {
      hint: 'check that it is a Chrome, Edge or Chromium executable that runs on this machine (try it with --version), or choose another with --browser PATH',
      exitCode: 1,
      cause: err,
    });
  }
}
