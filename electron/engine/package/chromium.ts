import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { CertkitError } from '../errors';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(preferred?: string): string {
  const fromEnv = process.env.CERTKIT_CHROMIUM;
  for (const p of [preferred, fromEnv, ...CANDIDATES]) if (p && existsSync(p)) return p;
  throw new CertkitError('No Chromium or Chrome found for rendering Arabic text and code snippets', {
    hint: 'install Chromium, or set CERTKIT_CHROMIUM (or browser.path in certkit.json) to a Chrome/Chromium executable',
  });
}

/**
 * One headless browser shared by everything a package build renders (Arabic captions, code snippets), started on
 * first use: a package with only Latin text and no snippets never launches it.
 */
export class LazyChromium {
  private browser?: Promise<Browser>;
  constructor(private readonly executablePath?: string) {}

  get(): Promise<Browser> {
    this.browser ??= puppeteer.launch({
      executablePath: findChromium(this.executablePath),
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-gpu', '--font-render-hinting=none'],
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

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
