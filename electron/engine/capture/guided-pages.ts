import type { Browser, Page } from 'puppeteer-core';
import { bestEffort, type Report } from '../util/best-effort';

export interface GuidedSession {
  /** Where the browser starts; the user goes on from there. */
  startUrl?: string;
  /** Settles when the user says they are done (Enter in the terminal). */
  until: Promise<unknown>;
}

/**
 * Guided capture: calls `onPage` for each top-level page load, one after another, until the user is done, closes
 * the window, or the browser goes away.
 */
export async function captureGuidedPages(
  browser: Browser,
  page: Page,
  guided: GuidedSession,
  onPage: (n: number) => Promise<void>,
  report: Report,
): Promise<void> {
  let queue: Promise<unknown> = Promise.resolve();
  let count = 0;
  page.on('load', () => {
    const n = ++count;
    queue = queue.then(() => bestEffort(`capturing guided page ${n}`, () => onPage(n), report));
  });
  // An unreachable start page is no reason to stop: the user can type an address in the window.
  if (guided.startUrl) await bestEffort(`opening ${guided.startUrl}`, page.goto(guided.startUrl), report);
  await Promise.race([
    guided.until,
    new Promise((r) => page.once('close', r)),
    new Promise((r) => browser.once('disconnected', r)),
  ]);
  await queue;
}
