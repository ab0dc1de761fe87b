import type { Browser } from 'puppeteer-core';
import { REQUIRED_ARGS, headlessMode } from './launch';
import { launchTiedBrowser } from './lifetime';
import type { Env } from '../env';
import { resolveBrowser } from './resolve';

/**
 * One headless browser shared by everything a package build renders (Arabic captions, code snippets), started on
 * first use: a package with only Latin text and no snippets never launches it.
 */
export class LazyChromium {
  private browser?: Promise<Browser>;
  constructor(private readonly where: { path?: string; env?: Env } = {}) {}

  get(): Promise<Browser> {
    this.browser ??= Promise.resolve().then(() => {
      // Resolved on first use, so a package that needs no rendering works on a machine without a browser.
      const executablePath = resolveBrowser({ explicit: this.where.path, env: this.where.env, headless: true });
      return launchTiedBrowser({
        executablePath,
        headless: headlessMode(executablePath),
        args: [...REQUIRED_ARGS, '--disable-gpu', '--font-render-hinting=none'],
      });
    });
    return this.browser;
  }

  get started(): boolean {
    return !!this.browser;
  }

  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (!b) return;
    // A launch that failed was already reported to whoever asked for the browser, and a browser that has exited
    // (crashed, killed) has nothing left to close: neither may replace the result of the build that used it.
    const browser = await b.catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }
}
