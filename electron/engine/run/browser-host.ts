import type { Browser } from 'puppeteer-core';
import { launchBrowser } from '../browser/launch';
import { bestEffort, type Report } from '../util/best-effort';

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
      /** Where a failure to close the browser is told. */
      report: Report;
    },
  ) {}

  async get(): Promise<Browser> {
    if (this.closed) throw new Error('the run is over; no new browser is started');
    if (this.current) {
      // A launch that failed was reported to the scenario that waited for it; this one tries again.
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
    // A launch that failed has nothing to close.
    const browser = await this.current?.catch(() => undefined);
    if (browser?.connected) await bestEffort('closing the browser', browser.close(), this.options.report);
  }
}
