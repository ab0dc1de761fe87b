import type { Page } from 'puppeteer-core';
import { speaksCdp } from '../browser/engine';
import type { CaptureOptions } from './page-image';

export interface Clip {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Takes one image of a page region, in the browser's own encoder. */
export interface PageShooter {
  /** `beyondViewport`: the clip may reach below the fold (no resize, no re-layout). */
  shoot(options: CaptureOptions, clip: Clip, beyondViewport: boolean): Promise<Buffer>;
}

/**
 * Chromium: Page.captureScreenshot on the page's own CDP session (optimizeForSpeed: the cheaper encoder setting).
 * Firefox (WebDriver BiDi): browsingContext.captureScreenshot through page.screenshot, which has the same clip and
 * document origin but no speed setting; the images are the same kind, only Chromium's encoder is faster.
 */
export async function openShooter(page: Page): Promise<PageShooter> {
  if (!speaksCdp(page.browser())) {
    return {
      shoot: async (options, clip, beyondViewport) =>
        Buffer.from(
          await page.screenshot({
            type: options.format,
            ...(options.format === 'jpeg' ? { quality: options.quality } : {}),
            clip,
            captureBeyondViewport: beyondViewport,
          }),
        ),
    };
  }
  const session = await page.createCDPSession();
  return {
    shoot: async (options, clip, beyondViewport) => {
      const { data } = await session.send('Page.captureScreenshot', {
        format: options.format,
        ...(options.format === 'jpeg' ? { quality: options.quality } : {}),
        clip: { ...clip, scale: 1 },
        captureBeyondViewport: beyondViewport,
        optimizeForSpeed: true,
      });
      return Buffer.from(data, 'base64');
    },
  };
}
