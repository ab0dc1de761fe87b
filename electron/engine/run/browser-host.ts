import type { Browser } from 'puppeteer-core';
import { launchBrowser } from '../browser/launch';

/**
 * One browser for the whole run. If it dies (crash, killed), the scenarios in it fail and the next
 * scenario gets a fresh one, so a run never stops half way because of one lost process.
 */
export class BrowserHost {
  private current?: Promise<Browser>;
  private closed = false;
  readonly launches: Browser[] = [];

  constructor(
    private readonly options: {
      executablePath: string;
      headful?: boolean;
      args?: string[];
      onLaunch?: (b: Browser) => void;
    },
  ) {}

  async get(): Promise<Browser> {
    if (this.closed) throw new Error('the run is over; no new browser is started');
    if (this.current) {
      const browser = await this.current.catch(() => undefined);
      if (browser?.connected) return browser;
    }
    this.current = launchBrowser(this.options).then((b) => {
      this.launches.push(b);
      this.options.onLaunch?.(b);
      return b;
    });
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = await this.current?.catch(() => undefined);
    if (browser?.connected) await browser.close().catch(() => undefined);
  }
}
