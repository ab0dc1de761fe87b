import type { BrowserContext, HTTPRequest, Page } from 'puppeteer-core';

/** The parts of a puppeteer Page the watcher reads; a fake in the unit tests. */
export type WatchedPage = Pick<Page, 'on' | 'mainFrame' | 'waitForFunction' | 'evaluate'>;

/**
 * Follows the top-level document of a scenario's page: how many documents it has shown, and which main-frame
 * navigations are in flight, so a capture can wait until the page stops moving.
 */
export class PageWatcher {
  /** Main-frame documents shown so far; a capture remembers the number it saw. */
  documents = 0;
  /** The HTTP status of the main frame's current document, when it came from the network. */
  status?: number;
  private readonly navigations = new Set<HTTPRequest>();
  private listeners: (() => void)[] = [];

  constructor(private readonly page: WatchedPage) {
    page.on('framenavigated', (frame) => {
      if (frame !== page.mainFrame()) return;
      this.documents++;
      this.notify();
    });
    page.on('request', (request) => {
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
      this.navigations.add(request);
      this.notify();
    });
    page.on('response', (response) => {
      const request = response.request();
      // A redirect's own status is replaced by the status of the document it leads to.
      if (request.isNavigationRequest() && request.frame() === page.mainFrame()) this.status = response.status();
    });
    const done = (request: HTTPRequest) => {
      if (this.navigations.delete(request)) this.notify();
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
  }

  private notify(): void {
    const waiting = this.listeners;
    this.listeners = [];
    waiting.forEach((wake) => wake());
  }

  /** Resolves at the next navigation event, or after `ms`. */
  private nextChange(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.listeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Waits until the top-level page stops moving: no main-frame navigation in flight and the document loaded, or
   * the budget is spent. Merchant and APS pages often auto-submit a form on load; capturing that transient page
   * would be noise.
   */
  async settle(budgetMs: number): Promise<void> {
    const end = Date.now() + budgetMs;
    while (Date.now() < end) {
      if (this.navigations.size) {
        await this.nextChange(end - Date.now());
        continue;
      }
      const doc = this.documents;
      // A timeout, or the document replaced while waiting: either way "not complete", and the loop looks again.
      const complete = await this.page
        .waitForFunction(() => document.readyState === 'complete', { timeout: Math.max(1, end - Date.now()) })
        .then(
          () => true,
          () => false,
        );
      const unchanged = () => !this.navigations.size && doc === this.documents;
      // A submit fired from the load handler shows up as a navigation request; give it the chance to appear.
      if (complete && unchanged()) {
        // Rejects only when the document went away meanwhile, which unchanged() below sees.
        await this.page
          .evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))))
          .then(
            () => undefined,
            () => undefined,
          );
        if (unchanged()) return;
      }
      if (!complete && unchanged()) return;
    }
  }
}

/** Calls `onPopup` for each page other than `main` that opens in the scenario's browser context. */
export function watchPopups(context: BrowserContext, main: Page, onPopup: (popup: Page) => Promise<void>): void {
  context.on('targetcreated', (target) => {
    if (target.type() !== 'page') return;
    void target.page().then(
      (popup) => (popup && popup !== main ? onPopup(popup) : undefined),
      // The target closed before it became a page: nothing opened that a user could see.
      () => undefined,
    );
  });
}
