import { PuppeteerRunnerExtension, selectorToPElementSelector, type Step, type UserFlow } from '@puppeteer/replay';
import { Locator, type Browser, type ElementHandle, type Frame, type Page } from 'puppeteer-core';

type Selector = string | string[];

// Puppeteer's own selector kinds need its query engine; plain CSS (with shadow-root chains) can be matched in the page.
const PUPPETEER_SELECTOR = /^(aria|xpath|pierce|text)\//;
const plainCss = (selectors: Selector[]) =>
  selectors.every((s) => (Array.isArray(s) ? s : [s]).every((part) => !PUPPETEER_SELECTOR.test(part)));

/**
 * In the page: do the step's selectors match as the step wants? The same test as @puppeteer/replay's
 * waitForElement (first selector with matches, count comparison, attributes, deep property match). Kept as
 * source text: a transpiler's helpers (e.g. esbuild's __name) would not exist in the page.
 */
const ELEMENTS_MATCH = `(selectors, count, operator, expected, attributes, properties) => {
  const query = (chain) => {
    let nodes = [document];
    for (const part of chain) {
      const next = [];
      for (const node of nodes) {
        const root = node instanceof Element ? (node.shadowRoot || node) : node;
        next.push(...root.querySelectorAll(part));
      }
      if (!next.length) return [];
      nodes = next;
    }
    return nodes;
  };
  let elements = [];
  for (const selector of selectors) {
    elements = query(Array.isArray(selector) ? selector : [selector]);
    if (elements.length) break;
  }
  const n = elements.length;
  let ok = operator === '==' ? n === count : operator === '>=' ? n >= count : n <= count;
  const deepMatch = (want, have) => {
    if (want === have) return true;
    if (!want || !have || typeof want !== 'object' || typeof have !== 'object') return false;
    return Object.entries(want).every(([k, v]) => deepMatch(v, have[k]));
  };
  if (ok && attributes) ok = elements.every((el) => Object.entries(attributes).every(([k, v]) => el.getAttribute(k) === v));
  if (ok && properties) ok = elements.every((el) => deepMatch(properties, el));
  return ok === expected;
}`;

/** The page replaced its document while a step was looking at it (an auto-submitted form, a redirect). */
export const CONTEXT_REPLACED =
  /Execution context was destroyed|Cannot find context with specified id|does not belong to the document|No node with given id/i;

export function isContextReplaced(err: unknown): boolean {
  return err instanceof Error && CONTEXT_REPLACED.test(err.message);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type WaitStep = Extract<Step, { type: 'waitForElement' }>;

/** The elements of the first selector (a chain through shadow roots) that matches, as @puppeteer/replay finds them. */
async function queryFirst(frame: Frame, selectors: WaitStep['selectors']): Promise<ElementHandle[]> {
  for (const selector of selectors) {
    const chain = Array.isArray(selector) ? selector : [selector];
    let found: ElementHandle[] = await frame.$$(chain[0]);
    for (const part of chain.slice(1)) {
      const next: ElementHandle[] = [];
      for (const handle of found) {
        const root = (await handle.evaluateHandle((el) => (el as Element).shadowRoot ?? el)) as ElementHandle;
        next.push(...(await root.$$(part)));
        await root.dispose();
        await handle.dispose();
      }
      found = next;
      if (!found.length) break;
    }
    if (found.length) return found;
  }
  return [];
}

/**
 * A waitForElement step with Puppeteer's own selector kinds (aria/, xpath/, text/, pierce/): @puppeteer/replay's
 * polling loop, with its deadline held here. The library arms a timer for the whole step timeout and leaves it armed
 * when a query throws (the document was replaced mid-query), which kept the process alive for up to 30 s after a run.
 */
async function waitForMatchingElements(frame: Frame, step: WaitStep, timeout: number): Promise<void> {
  const { count = 1, operator = '>=', visible = true } = step;
  const deadline = Date.now() + timeout;
  for (;;) {
    let elements: ElementHandle[] = [];
    try {
      elements = await queryFirst(frame, step.selectors);
      const n = elements.length;
      let ok = operator === '==' ? n === count : operator === '>=' ? n >= count : n <= count;
      if (ok && (step.attributes || step.properties)) {
        for (const el of elements) {
          ok = await el.evaluate(
            (node, attributes, properties) => {
              const deepMatch = (want: unknown, have: unknown): boolean => {
                if (want === have) return true;
                if (!want || !have || typeof want !== 'object' || typeof have !== 'object') return false;
                return Object.entries(want).every(([k, v]) => deepMatch(v, (have as Record<string, unknown>)[k]));
              };
              const attrsOk = Object.entries(attributes ?? {}).every(
                ([k, v]) => (node as Element).getAttribute(k) === v,
              );
              return attrsOk && (!properties || deepMatch(properties, node));
            },
            step.attributes ?? null,
            step.properties ?? null,
          );
          if (!ok) break;
        }
      }
      if (ok === visible) return;
    } catch (err) {
      // The page replaced its document mid-query (a redirect, an auto-submitted form): look again in the new one.
      if (!isContextReplaced(err)) throw err;
    } finally {
      await Promise.all(elements.map((e) => e.dispose().catch(() => undefined)));
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('waitForElement timed out. The element(s) could not be found.');
    await sleep(Math.min(100, left));
  }
}

/**
 * @puppeteer/replay's runner with cheaper steps where the result is the same for the page:
 * - `waitForElement` waits in the page on DOM mutations (or each frame when it compares properties) instead
 *   of asking again every 100 ms over several protocol round trips;
 * - `change` sets the value and fires input/change once, instead of typing key by key (one protocol round trip
 *   per character); pages that format as you type still get their input event;
 * - `setViewport` to the size the page already has is skipped (it would re-layout the page for nothing);
 * - `waitForElement` with Puppeteer's selector kinds polls without the library's stray 30 s timer.
 */
export class CertkitReplayExtension extends PuppeteerRunnerExtension {
  constructor(
    browser: Browser,
    page: Page,
    private readonly stepTimeout: number,
  ) {
    super(browser, page, { timeout: stepTimeout });
  }

  override async runStep(step: Step, flow?: UserFlow): Promise<void> {
    if (step.type === 'setViewport') {
      const v = this.page.viewport();
      if (
        v &&
        v.width === step.width &&
        v.height === step.height &&
        (v.deviceScaleFactor ?? 1) === step.deviceScaleFactor &&
        !!v.isMobile === step.isMobile
      )
        return;
    }
    if (
      step.type === 'waitForElement' &&
      (!step.target || step.target === 'main') &&
      !step.frame?.length &&
      plainCss(step.selectors)
    ) {
      const args = [
        step.selectors,
        step.count ?? 1,
        step.operator ?? '>=',
        step.visible ?? true,
        step.attributes ?? null,
        step.properties ?? null,
      ];
      await this.page.waitForFunction(`(${ELEMENTS_MATCH})(...${JSON.stringify(args)})`, {
        // Property values (an input's value, a checkbox) change without a DOM mutation; look at every frame then.
        polling: step.properties ? 'raf' : 'mutation',
        timeout: step.timeout ?? flow?.timeout ?? this.stepTimeout,
      });
      return;
    }
    if (step.type === 'waitForElement' && (!step.target || step.target === 'main') && !step.frame?.length) {
      await waitForMatchingElements(this.page.mainFrame(), step, step.timeout ?? flow?.timeout ?? this.stepTimeout);
      return;
    }
    if (step.type === 'change' && (!step.target || step.target === 'main') && !step.frame?.length) {
      const timeout = step.timeout ?? flow?.timeout ?? this.stepTimeout;
      const handle = await Locator.race(step.selectors.map((s) => this.page.locator(selectorToPElementSelector(s))))
        .setTimeout(timeout)
        .waitHandle();
      try {
        await handle.evaluate((el: Element, value: string) => {
          const input = el as HTMLInputElement;
          input.focus();
          // The prototype's setter, so frameworks that track the value (React) see the change.
          const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value')?.set;
          if (setter) setter.call(input, value);
          else input.value = value;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.dispatchEvent(new Event('change', { bubbles: true }));
        }, step.value);
      } finally {
        // The step is done; a handle the page already dropped (it navigated) needs no release.
        await handle.dispose().catch(() => undefined);
      }
      return;
    }
    return super.runStep(step, flow);
  }
}
