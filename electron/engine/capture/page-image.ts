import type { Page } from 'puppeteer-core';
import sharp from 'sharp';
import type { PageShooter } from './page-shooter';

export interface PageFacts {
  url: string;
  title: string;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  text: string;
  originX: number;
  width: number;
  height: number;
  viewportWidth: number;
  viewportHeight: number;
  scrolled: boolean;
}

export interface PageImage {
  facts: PageFacts;
  /** Encoded as asked (JPEG by default), straight from the browser when one shot was enough. */
  data: Buffer;
  width: number;
  height: number;
  format: 'jpeg' | 'png';
  /** True when the page was taller than the cap and cut. */
  truncated: boolean;
}

export interface CaptureOptions {
  format: 'jpeg' | 'png';
  quality: number;
  maxHeight: number;
}

// Chromium refuses (or blanks) single captures taller than its GPU texture limit; past it, shoot in bands.
export const MAX_BAND_HEIGHT = 8192;
const TEXT_LIMIT = 4000;

/**
 * One round trip: closes a native dropdown or picker left open (the Recorder clicks a <select> before choosing; a full
 * Chromium then draws its list over the page, which a person would not see once they chose), waits for fonts (Arabic
 * shaping needs them), then reads size, language and visible text.
 */
async function readFacts(page: Page): Promise<PageFacts> {
  return page.evaluate(async (limit: number) => {
    const active = document.activeElement;
    const picker =
      active instanceof HTMLSelectElement ||
      (active instanceof HTMLInputElement &&
        (/^(date|time|datetime-local|month|week|color)$/.test(active.type) || !!active.getAttribute('list')));
    if (picker) (active as HTMLElement).blur();
    await document.fonts.ready;
    const root = document.documentElement;
    const body = document.body;
    const dir = getComputedStyle(body ?? root).direction === 'rtl' ? 'rtl' : 'ltr';
    return {
      url: location.href,
      title: document.title,
      lang: root.lang || undefined,
      dir: dir as 'ltr' | 'rtl',
      text: (body?.innerText ?? '')
        .replace(/[ \t]+\n/g, '\n')
        .replace(/\n{3,}/g, '\n\n')
        .slice(0, limit),
      // The window's width, from where the window is: an RTL page that overflows keeps its overflow on the
      // left, so document x = 0 is not where the reader's view starts.
      originX: dir === 'rtl' ? Math.max(0, root.scrollWidth - root.clientWidth) + scrollX : scrollX,
      width: root.clientWidth,
      height: Math.max(root.scrollHeight, body?.scrollHeight ?? 0, root.clientHeight),
      viewportWidth: innerWidth,
      viewportHeight: innerHeight,
      scrolled: scrollY !== 0,
    };
  }, TEXT_LIMIT);
}

function shoot(
  shooter: PageShooter,
  options: CaptureOptions,
  x: number,
  y: number,
  width: number,
  height: number,
  beyond = true,
): Promise<Buffer> {
  return shooter.shoot(options, { x, y, width, height }, beyond);
}

/**
 * Full-page image without touching the viewport: the clip reaches below the fold with captureBeyondViewport,
 * so the page does not re-layout (a resize would fire resize handlers and reflow responsive checkouts).
 */
export async function capturePage(page: Page, shooter: PageShooter, options: CaptureOptions): Promise<PageImage> {
  let facts: PageFacts;
  try {
    facts = await readFacts(page);
  } catch (err) {
    // A navigation that started after the step ended destroys the context; read the new document once it is there.
    if (!/context was destroyed|Cannot find context|detached/i.test((err as Error).message)) throw err;
    // Still loading after the wait, or replaced again: the second read below says so if it matters.
    await page.waitForFunction(() => document.readyState !== 'loading', { timeout: 10_000 }).catch(() => undefined);
    facts = await readFacts(page);
  }
  const width = Math.ceil(facts.width);
  const height = Math.min(Math.ceil(facts.height), options.maxHeight);
  const truncated = facts.height > options.maxHeight;
  // The common case: the page fits the window. Then the compositor's current frame is the whole page and no
  // off-screen re-raster is needed, which is most of what a full-page shot costs.
  if (!facts.scrolled && height <= facts.viewportHeight && width <= facts.viewportWidth) {
    const data = await shoot(shooter, options, facts.originX, 0, width, height, false);
    return { facts, data, width, height, format: options.format, truncated };
  }
  if (height <= MAX_BAND_HEIGHT) {
    const data = await shoot(shooter, options, facts.originX, 0, width, height);
    return { facts, data, width, height, format: options.format, truncated };
  }
  const bands: { input: Buffer; top: number; left: number }[] = [];
  for (let y = 0; y < height; y += MAX_BAND_HEIGHT) {
    const h = Math.min(MAX_BAND_HEIGHT, height - y);
    bands.push({
      input: await shoot(shooter, { ...options, format: 'png' }, facts.originX, y, width, h),
      top: y,
      left: 0,
    });
  }
  const canvas = sharp({
    create: { width, height, channels: 3, background: '#ffffff' },
    limitInputPixels: false,
  }).composite(bands);
  const data =
    options.format === 'jpeg'
      ? await canvas.jpeg({ quality: options.quality, mozjpeg: false }).toBuffer()
      : await canvas.png().toBuffer();
  return { facts, data, width, height, format: options.format, truncated };
}
