// A person at the keyboard and mouse, for the recorder harness: real (trusted) input through the browser, clicks at
// a spot inside the element rather than its exact centre, Shift held for capitals, a moment between keystrokes.
// The harness's own locators only say where the person looks; they never reach the recording.
import type { ElementHandle, Page } from 'puppeteer-core';

const SHIFTED = /[A-Z~!@#$%^&*()_+{}|:"<>?]/;

export class Person {
  private seed: number;

  constructor(
    readonly page: Page,
    seed = 7,
  ) {
    this.seed = seed;
  }

  /** A repeatable "random" fraction, so a re-recording clicks at the same spots. */
  private next(): number {
    this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
    return this.seed / 2147483648;
  }

  async find(selector: string): Promise<ElementHandle<Element>> {
    const el = await this.page.waitForSelector(selector, { visible: true, timeout: 15_000 });
    if (!el) throw new Error(`the person cannot see ${selector}`);
    return el;
  }

  /**
   * Clicks somewhere in the middle part of the element (or at the given fractions of its box), pressing the button as
   * long as a hand does.
   */
  async click(selector: string, at?: { x: number; y: number }): Promise<void> {
    const el = await this.find(selector);
    await el.scrollIntoView();
    const box = await el.boundingBox();
    if (!box) throw new Error(`${selector} has no box`);
    const x = box.x + box.width * (at?.x ?? 0.25 + 0.5 * this.next());
    const y = box.y + box.height * (at?.y ?? 0.3 + 0.4 * this.next());
    await this.page.mouse.move(x, y, { steps: 3 });
    await this.page.mouse.click(x, y, { delay: 60 + Math.round(this.next() * 60) });
  }

  /** Clicks and waits until the page that click leads to (after any automatic hops) has loaded. */
  async clickThrough(selector: string, landsOn: RegExp): Promise<void> {
    await this.click(selector);
    await this.arrivesAt(landsOn);
  }

  async arrivesAt(url: RegExp): Promise<void> {
    await this.page.waitForFunction((src) => new RegExp(src).test(location.href), { timeout: 20_000 }, url.source);
    await this.page.waitForFunction(() => document.readyState === 'complete', { timeout: 20_000 });
  }

  async type(text: string): Promise<void> {
    const k = this.page.keyboard;
    for (const ch of text) {
      const shift = SHIFTED.test(ch);
      if (shift) await k.down('Shift');
      await k.press(ch as Parameters<typeof k.press>[0], { delay: 15 });
      if (shift) await k.up('Shift');
      await new Promise((r) => setTimeout(r, 10 + Math.round(this.next() * 30)));
    }
  }

  async press(key: Parameters<Page['keyboard']['press']>[0]): Promise<void> {
    await this.page.keyboard.press(key, { delay: 40 });
  }

  /** Clicks into a field and types into it. */
  async fill(selector: string, text: string): Promise<void> {
    await this.click(selector);
    await this.type(text);
  }

  /** Opens a <select> with the mouse and picks an option with the arrow keys and Enter, as many people do. */
  async choose(selector: string, optionLabel: string): Promise<void> {
    const labels = await this.page.$$eval(`${selector} option`, (os) => os.map((o) => (o.textContent ?? '').trim()));
    const current = await this.page.$eval(selector, (s) => (s as HTMLSelectElement).selectedIndex);
    const target = labels.indexOf(optionLabel);
    if (target < 0) throw new Error(`${selector} has no option "${optionLabel}" (it has: ${labels.join(', ')})`);
    await this.click(selector);
    for (let i = current; i < target; i++) await this.press('ArrowDown');
    for (let i = current; i > target; i--) await this.press('ArrowUp');
    await this.press('Enter');
    await this.page.waitForFunction(
      (sel, index) => (document.querySelector(sel) as HTMLSelectElement).selectedIndex === index,
      { timeout: 5_000 },
      selector,
      target,
    );
  }
}
