import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import type { BenchRow, BenchSection } from './types';
import { MemoryRecentStore } from '../api/recent-store';
import { resolveBrowser } from '../browser/resolve';
import { initWorkspace } from '../workspace/workspace';
import { startHost } from '../host/server';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST = path.join(ROOT, 'renderer', 'dist');
const LOADS = 5;

// A plain string, not a function: the TypeScript loader would wrap a function with helpers the page lacks.
const PAINT_PROBE = `
window.__wizardPaint = new Promise((resolve) => {
  const seen = () => {
    if (!document.querySelector('[data-testid=step-project]')) return false;
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    return true;
  };
  const observer = new MutationObserver(() => seen() && observer.disconnect());
  document.addEventListener('DOMContentLoaded', () => seen() || observer.observe(document.body, { childList: true, subtree: true }));
});`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Gzipped size of all the renderer's JavaScript, as a browser would download it. */
export async function rendererJsGzipBytes(dist = DIST): Promise<number> {
  const assets = path.join(dist, 'assets');
  let total = 0;
  for (const f of await fs.readdir(assets)) {
    if (f.endsWith('.js')) total += gzipSync(await fs.readFile(path.join(assets, f)), { level: 9 }).length;
  }
  return total;
}

export const rendererBench: BenchSection = {
  name: 'renderer',
  async run(log) {
    log('building the renderer');
    await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'],
      { cwd: ROOT },
    );
    const gz = await rendererJsGzipBytes();
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-ui-'));
    const host = await startHost({ recent: new MemoryRecentStore(), openPath: async () => false });
    const browser = await puppeteer.launch({
      executablePath: resolveBrowser({ env: process.env }),
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-gpu',
      ],
    });
    try {
      // A workspace is open, so each load paints the wizard itself (sidebar + Project step), not the welcome page.
      await initWorkspace(path.join(tmp, 'ws'), { account: 'Bench Store' });
      await host.api['workspace.open']({ dir: path.join(tmp, 'ws') });
      const paints: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        await page.setViewport({ width: 1360, height: 900 });
        // Timed inside the page: the frame after the wizard enters the DOM, from the start of navigation.
        // (Timing from the test side would add the DevTools round trip, which says nothing about the app.)
        await page.evaluateOnNewDocument(PAINT_PROBE);
        await page.goto(host.url, { waitUntil: 'domcontentloaded' });
        const painted = await page.evaluate(
          () => (window as unknown as { __wizardPaint: Promise<number> }).__wizardPaint,
        );
        paints.push(painted);
        await context.close();
      }
      log(`wizard painted after ${paints.map((p) => p.toFixed(0)).join(', ')} ms`);
      const rows: BenchRow[] = [
        {
          section: 'renderer',
          name: 'renderer JS gzipped',
          value: Math.round(gz / 1024),
          unit: 'KB',
          target: { value: 400, better: 'lower' },
        },
        {
          section: 'renderer',
          name: 'first paint of the wizard (median of 5, browser host)',
          value: median(paints) / 1000,
          unit: 's',
          target: { value: 1, better: 'lower' },
        },
      ];
      return rows;
    } finally {
      await browser.close();
      await host.close();
      await fs.rm(tmp, { recursive: true, force: true });
    }
  },
};
