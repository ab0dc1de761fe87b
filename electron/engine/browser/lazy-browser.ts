import puppeteer, { type Browser } from 'puppeteer-core';
import { REQUIRED_ARGS, headlessMode } from './launch';
import { resolveBrowser } from './resolve';

/**
 * One headless browser shared by everything a package build renders (Arabic captions, code snippets), started on
 * first use: a package with only Latin text and no snippets never launches it.
 */
export class LazyChromium {
  private browser?: Promise<Browser>;
  constructor(private readonly executablePath?: string) {}

  get(): Promise<Browser> {
    this.browser ??= Promise.resolve().then(() => {
      // Resolved on first use, so a package that needs no rendering works on a machine without a browser.
      const executablePath = resolveBrowser({ explicit: this.executablePath, headless: true });
      return puppeteer.launch({
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
    if (b) await (await b).close().catch(() => undefined);
  }
}
