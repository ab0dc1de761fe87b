import type { Browser } from 'puppeteer-core';
import type { BrowserEngine } from '../browser/engine';
import { connectBrowser } from '../browser/connect';
import { launchBrowser } from '../browser/launch';
import { bestEffort, type Report } from '../util/best-effort';

/**
 * One browser for the whole run, started here or (--connect) attached to. If it dies (crash, killed), the scenarios in it fail and the next
 * scenario gets a fresh one, so a run never stops half way because of one lost process.
 */
export class BrowserHost {
  private current?: Promise<Browser>;
  private closed = false;
  readonly launches: Browser[] = [];

  constructor(
    private readonly options: {
      executablePath: string;
      engine?: BrowserEngine;
      headful?: boolean;
      args?: string[];
      acceptInsecureCerts?: boolean;
      /** A remote browser's endpoint (--connect): attached to, never started or closed by Certkit. */
      connect?: string;
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
    const { connect, engine } = this.options;
    // A remote browser that dropped the connection is attached to again, as a local one that died is started again.
    this.current = (connect ? connectBrowser(connect, engine) : launchBrowser(this.options)).then((b) => {
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
    if (!browser?.connected) return;
    // A remote browser is someone else's: Certkit closed the contexts it opened (each scenario closes its own) and
    // only lets go of the connection.
    if (this.options.connect)
      await bestEffort('disconnecting from the browser', browser.disconnect(), this.options.report);
    else await bestEffort('closing the browser', browser.close(), this.options.report);
  }
}
