import { PuppeteerRunnerExtension, selectorToPElementSelector, type Step, type UserFlow } from '@puppeteer/replay';
import { Locator, type Browser, type Page } from 'puppeteer-core';

/**
 * @puppeteer/replay's runner with cheaper steps where the result is the same for the page:
 * - `change` sets the value and fires input/change once, instead of typing key by key (one protocol round trip
 *   per character); pages that format as you type still get their input event;
 * - `setViewport` to the size the page already has is skipped (it would re-layout the page for nothing).
 */
export class CertkitReplayExtension extends PuppeteerRunnerExtension {
  constructor(browser: Browser, page: Page, private readonly stepTimeout: number) {
    super(browser, page, { timeout: stepTimeout });
  }

  override async runStep(step: Step, flow?: UserFlow): Promise<void> {
    if (step.type === 'setViewport') {
      const v = this.page.viewport();
      if (v && v.width === step.width && v.height === step.height && (v.deviceScaleFactor ?? 1) === step.deviceScaleFactor && !!v.isMobile === step.isMobile) return;
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
        await handle.dispose().catch(() => undefined);
      }
      return;
    }
    return super.runStep(step, flow);
  }
}
