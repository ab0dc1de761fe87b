// The browser-side half of the recorder harness: what Chrome's Recorder panel does with the raw steps its in-page
// client reports. It starts the flow with the viewport and the current page, folds keystrokes into `change` steps,
// marks the step that made the page unload with a navigation assertion and fills in where it went, and writes the
// flow with @puppeteer/replay's JSON stringifier, the one the Recorder's "Export as JSON" uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSONStringifyExtension, stringify, stripSourceMap, type Schema } from '@puppeteer/replay';
import type { CDPSession, Page } from 'puppeteer-core';

const CLIENT = readFileSync(fileURLToPath(new URL('./client.js', import.meta.url)), 'utf8');
const WORLD = 'souq_recorder';
const BINDING = 'souqRecorderStep';

/** Navigations a person did not cause by acting on the page (typed URL, reload, ...): they become navigate steps. */
const UNRELATED_TRANSITIONS = new Set([
  'typed',
  'address_bar',
  'auto_bookmark',
  'auto_subframe',
  'generated',
  'auto_toplevel',
  'reload',
  'keyword',
  'keyword_generated',
]);

type RawStep =
  | { type: 'keyDown' | 'keyUp'; key: string }
  | { type: 'change'; selectors: string[][]; value: string }
  | {
      type: 'click' | 'doubleClick';
      selectors: string[][];
      offsetX: number;
      offsetY: number;
      duration?: number;
      button?: string;
      deviceType?: string;
    }
  | { type: 'beforeUnload' };

interface NavigationEvent {
  type: 'navigation';
  url?: string;
  title?: string;
}

/** A flow step as the Recorder keeps it (the JSON export is these objects, in this property order). */
interface Step {
  type: string;
  selectors?: string[][];
  key?: string;
  assertedEvents?: NavigationEvent[];
  [field: string]: unknown;
}

export class RecorderSession {
  private readonly steps: Step[] = [];
  private readonly pressedChangeKeys = new Set<string>();
  private pendingNavigation?: Step;
  private lastEntryId = -1;
  private knownEntries: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private scriptId = '';
  private mainFrameId = '';
  private contexts = new Map<number, string>();
  private failure?: Error;

  private constructor(
    private readonly cdp: CDPSession,
    private readonly title: string,
  ) {}

  /** Starts recording on the page as it is now (as pressing "Start recording" does). */
  static async start(page: Page, title: string): Promise<RecorderSession> {
    const cdp = await page.createCDPSession();
    const session = new RecorderSession(cdp, title);
    await session.begin();
    return session;
  }

  private serial(work: () => Promise<void> | void): void {
    this.queue = this.queue.then(work).catch((err: Error) => {
      this.failure ??= err;
    });
  }

  private async begin(): Promise<void> {
    const cdp = this.cdp;
    await cdp.send('Page.enable');
    await cdp.send('Runtime.enable');
    const tree = await cdp.send('Page.getFrameTree');
    this.mainFrameId = tree.frameTree.frame.id;
    cdp.on('Runtime.executionContextCreated', (e) => {
      const frameId = (e.context.auxData as { frameId?: string } | undefined)?.frameId;
      if (frameId) this.contexts.set(e.context.id, frameId);
    });
    cdp.on('Runtime.bindingCalled', (e) => {
      if (e.name !== BINDING) return;
      const step = JSON.parse(e.payload) as RawStep;
      const frameId = this.contexts.get(e.executionContextId);
      // Steps inside iframes would need a frame path; none of the shops recorded here put inputs in frames.
      if (frameId && frameId !== this.mainFrameId) throw new Error('the recorder harness records the main frame only');
      this.serial(() => this.receive(step));
    });
    cdp.on('Page.frameNavigated', (e) => {
      if (e.frame.parentId || e.type !== 'Navigation') return;
      this.serial(() => this.navigated());
    });

    const { cssLayoutViewport } = await cdp.send('Page.getLayoutMetrics');
    this.steps.push({
      type: 'setViewport',
      width: cssLayoutViewport.clientWidth,
      height: cssLayoutViewport.clientHeight,
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
      isLandscape: false,
    });
    const history = await this.history();
    const entry = history.entries[history.currentIndex];
    this.lastEntryId = entry.id;
    this.knownEntries = history.entries.map((h) => h.id);
    this.steps.push({
      type: 'navigate',
      url: entry.url,
      assertedEvents: [{ type: 'navigation', url: entry.url, title: entry.title }],
    } as Step);

    await cdp.send('Runtime.addBinding', { name: BINDING, executionContextName: WORLD });
    const { identifier } = await cdp.send('Page.addScriptToEvaluateOnNewDocument', {
      source: CLIENT,
      worldName: WORLD,
      includeCommandLineAPI: true,
    });
    this.scriptId = identifier;
    const { executionContextId } = await cdp.send('Page.createIsolatedWorld', {
      frameId: this.mainFrameId,
      worldName: WORLD,
    });
    this.contexts.set(executionContextId, this.mainFrameId);
    const started = await cdp.send('Runtime.evaluate', {
      expression: CLIENT,
      contextId: executionContextId,
      includeCommandLineAPI: true,
    });
    if (started.exceptionDetails) throw new Error(`recorder client failed: ${started.exceptionDetails.text}`);
  }

  private receive(raw: RawStep): void {
    if (raw.type === 'beforeUnload') {
      const last = this.steps[this.steps.length - 1];
      if (last && !last.assertedEvents?.some((e) => e.type === 'navigation')) {
        last.assertedEvents = [{ type: 'navigation' }];
        this.pendingNavigation = last;
      }
      return;
    }
    // Property order as the Recorder builds each step, so the exported JSON reads the same.
    switch (raw.type) {
      case 'change':
        return this.append({ type: 'change', value: raw.value, selectors: raw.selectors, target: 'main' } as Step);
      case 'keyDown':
        return this.append({ type: 'keyDown', target: 'main', key: raw.key } as Step);
      case 'keyUp':
        return this.append({ type: 'keyUp', key: raw.key, target: 'main' } as Step);
      case 'click':
      case 'doubleClick':
        return this.append({
          type: raw.type,
          target: 'main',
          selectors: raw.selectors,
          offsetY: raw.offsetY,
          offsetX: raw.offsetX,
          duration: raw.duration,
          deviceType: raw.deviceType,
          button: raw.button,
        } as Step);
    }
  }

  /** Folds a step into the flow the way the Recorder does (shift-reduce on the last step). */
  private append(step: Step): void {
    const last = this.steps[this.steps.length - 1] as Step | undefined;
    if (step.type === 'doubleClick') {
      for (let i = this.steps.length - 1; i > 0; i--) {
        const prior = this.steps[i];
        if (prior.type === 'click') {
          step.selectors = prior.selectors;
          this.steps.splice(i, 1);
          break;
        }
      }
    } else if (step.type === 'change' && last) {
      if (last.type === 'change' && JSON.stringify(last.selectors) === JSON.stringify(step.selectors)) {
        this.steps[this.steps.length - 1] = step;
        return;
      }
      if (last.type === 'keyDown') {
        // The key produced this input: it is part of the change, not a step of its own.
        this.pressedChangeKeys.add(String(last.key));
        this.steps.pop();
        return this.append(step);
      }
    } else if (step.type === 'keyDown') {
      if (this.pressedChangeKeys.has(String(step.key))) return;
    } else if (step.type === 'keyUp') {
      if (this.pressedChangeKeys.delete(String(step.key))) return;
    }
    this.steps.push(step);
  }

  /** The tab's history; asked again when it comes while Chromium swaps the page's frame host during a navigation. */
  private async history() {
    for (let tries = 0; ; tries++) {
      try {
        return await this.cdp.send('Page.getNavigationHistory');
      } catch (err) {
        if (tries >= 20 || !/Not attached to an active page/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  private async navigated(): Promise<void> {
    const history = await this.history();
    const entry = history.entries[history.currentIndex];
    if (entry.id === this.lastEntryId) return;
    this.lastEntryId = entry.id;
    const seen = this.knownEntries;
    this.knownEntries = history.entries.map((h) => h.id);
    if (UNRELATED_TRANSITIONS.has(entry.transitionType) || seen.includes(entry.id)) {
      if (this.pendingNavigation) delete this.pendingNavigation.assertedEvents;
      this.pendingNavigation = undefined;
      this.append({
        type: 'navigate',
        url: entry.url,
        assertedEvents: [{ type: 'navigation', url: entry.url, title: entry.title }],
      } as Step);
      return;
    }
    const nav = this.pendingNavigation?.assertedEvents?.find((e) => e.type === 'navigation');
    if (!nav || nav.url) return;
    nav.url = entry.url;
    nav.title = entry.title;
  }

  /** Ends the recording and returns the export, as "Export as JSON" writes it. */
  async stop(): Promise<string> {
    await this.queue;
    await this.cdp.send('Page.removeScriptToEvaluateOnNewDocument', { identifier: this.scriptId }).catch(() => {});
    await this.cdp.send('Runtime.removeBinding', { name: BINDING }).catch(() => {});
    await this.cdp.detach().catch(() => {});
    if (this.failure) throw this.failure;
    const flow = { title: this.title, steps: this.steps } as unknown as Schema.UserFlow;
    const text = await stringify(flow, { extension: new JSONStringifyExtension(), indentation: '  ' });
    return stripSourceMap(text);
  }
}
