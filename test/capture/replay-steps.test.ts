import type { Step } from '@puppeteer/replay';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { capturePage } from '../../electron/engine/capture/page-image';
import { CertkitReplayExtension } from '../../electron/engine/capture/replay-extension';
import { openShooter } from '../../electron/engine/capture/page-shooter';

let browser: Browser;
let page: Page;
let ext: CertkitReplayExtension;

beforeAll(async () => {
  browser = await launchBrowser({ executablePath: resolveBrowser() });
  page = await browser.newPage();
  ext = new CertkitReplayExtension(browser, page, 2000);
});
afterAll(async () => {
  await browser?.close();
});

const wait = (step: Partial<Extract<Step, { type: 'waitForElement' }>>) =>
  ext.runStep({ type: 'waitForElement', selectors: [['#x']], ...step } as Step);

describe('waitForElement in the page', () => {
  it('resolves when the element is inserted later, well before the timeout', async () => {
    await page.setContent('<main></main>');
    const started = Date.now();
    const pending = wait({ selectors: [['#late']] });
    await page.evaluate(() =>
      setTimeout(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<p id="late">here</p>'), 150),
    );
    await pending;
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('follows count, operator, visible:false, attributes and properties like @puppeteer/replay', async () => {
    await page.setContent(
      '<ul><li class="i" data-k="a">1</li><li class="i" data-k="a">2</li></ul><input id="in" value="abc">',
    );
    await wait({ selectors: [['.i']], count: 2, operator: '==' });
    await wait({ selectors: [['.i']], count: 3, operator: '<=' });
    await wait({ selectors: [['#missing']], visible: false });
    await wait({ selectors: [['.i']], attributes: { 'data-k': 'a' } });
    await wait({ selectors: [['#in']], properties: { value: 'abc' } } as never);
    // The first selector with matches decides, as in the Recorder's own runner.
    await wait({ selectors: [['#none'], ['.i']], count: 2, operator: '==' });
    await expect(wait({ selectors: [['.i']], count: 3, operator: '>=' })).rejects.toThrow(/exceeded/);
    await expect(wait({ selectors: [['.i']], attributes: { 'data-k': 'b' } })).rejects.toThrow(/exceeded/);
  });

  it('waits for a property that changes without a DOM mutation', async () => {
    await page.setContent('<input id="in" value="">');
    const pending = wait({ selectors: [['#in']], properties: { value: 'typed' } } as never);
    await page.evaluate(() =>
      setTimeout(() => ((document.getElementById('in') as HTMLInputElement).value = 'typed'), 100),
    );
    await pending;
  });

  it('pierces shadow roots along a selector chain, and leaves aria selectors to puppeteer', async () => {
    await page.setContent('<div id="host"></div><button aria-label="Pay now">Pay</button>');
    await page.evaluate(
      () =>
        (document.getElementById('host')!.attachShadow({ mode: 'open' }).innerHTML = '<span class="inner">in</span>'),
    );
    await wait({ selectors: [['#host', '.inner']] });
    await wait({ selectors: [['aria/Pay now']] });
  });
});

describe('a capture shows the page as a person sees it', () => {
  // The Recorder clicks a <select> before choosing from it; a full Chromium then keeps drawing its list over the page.
  it('closes a native dropdown or date picker left open, and leaves a text field as it is', async () => {
    await page.setContent(
      '<select id="method"><option>Card</option><option>KNET</option></select>' +
        '<input id="when" type="date"><input id="name" value="Omar">',
    );
    const shooter = await openShooter(page);
    const focusedAfterCapture = async (id: string) => {
      await page.click(`#${id}`);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
      await capturePage(page, shooter, { format: 'png', quality: 80, maxHeight: 2000 });
      return page.evaluate(() => document.activeElement?.id || 'nothing');
    };
    expect(await focusedAfterCapture('method')).toBe('nothing');
    expect(await focusedAfterCapture('when')).toBe('nothing');
    expect(await focusedAfterCapture('name')).toBe('name');
  });
});
