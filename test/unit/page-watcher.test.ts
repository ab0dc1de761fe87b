import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PageWatcher, type WatchedPage } from '../../electron/engine/capture/page-watcher';

/**
 * A page stand-in: events as puppeteer emits them; the document's load state set by the test. `onEvaluate` runs
 * when the watcher gives the page its post-load frame (where an auto-submitting page starts its navigation).
 */
function fakePage() {
  const events = new EventEmitter();
  const main = { name: 'main' };
  const child = { name: 'iframe' };
  const state = { complete: true, onEvaluate: () => undefined as void, loadWaits: 0 };
  const page = {
    on: (event: string, handler: (...args: unknown[]) => void) => events.on(event, handler),
    mainFrame: () => main,
    waitForFunction: async () => {
      state.loadWaits++;
      if (!state.complete) throw new Error('Waiting failed: timeout exceeded');
    },
    evaluate: async () => state.onEvaluate(),
  } as unknown as WatchedPage;
  const request = (frame: object, navigation = true) => ({ isNavigationRequest: () => navigation, frame: () => frame });
  return { page, events, main, child, state, request };
}

/** Once `ready`, runs `then`; resolves when `settle` has, saying whether it had already before `then` ran. */
async function settledBefore(settle: Promise<void>, ready: Promise<unknown>, then: () => void): Promise<boolean> {
  let settled = false;
  const done = settle.then(() => (settled = true));
  await ready;
  const before = settled;
  then();
  await done;
  return before;
}

describe('page watcher', () => {
  it('counts main-frame documents only', () => {
    const f = fakePage();
    const watcher = new PageWatcher(f.page);
    f.events.emit('framenavigated', f.main);
    f.events.emit('framenavigated', f.child);
    f.events.emit('framenavigated', f.main);
    expect(watcher.documents).toBe(2);
  });

  it('settles at once on a loaded page with nothing in flight', async () => {
    const f = fakePage();
    await new PageWatcher(f.page).settle(60_000);
    expect(f.state.loadWaits).toBe(1);
  });

  it('waits while a main-frame navigation is in flight, and settles once it has finished', async () => {
    const f = fakePage();
    const watcher = new PageWatcher(f.page);
    const nav = f.request(f.main);
    f.events.emit('request', nav);
    const before = await settledBefore(watcher.settle(60_000), Promise.resolve(), () => {
      f.events.emit('requestfinished', nav);
      f.events.emit('framenavigated', f.main);
    });
    expect(before).toBe(false);
    expect(watcher.documents).toBe(1);
  });

  it('is not held up by iframe navigations or sub-resource requests', async () => {
    const f = fakePage();
    const watcher = new PageWatcher(f.page);
    f.events.emit('request', f.request(f.child));
    f.events.emit('request', f.request(f.main, false));
    await watcher.settle(60_000);
    expect(f.state.loadWaits).toBe(1);
  });

  it('waits for a form the page submits from its load handler, instead of shooting the page in between', async () => {
    const f = fakePage();
    const watcher = new PageWatcher(f.page);
    const submit = f.request(f.main);
    let submitted!: () => void;
    const ready = new Promise<void>((r) => (submitted = r));
    f.state.onEvaluate = () => {
      if (f.state.loadWaits > 1) return;
      f.events.emit('request', submit);
      submitted();
    };
    const before = await settledBefore(watcher.settle(60_000), ready, () => {
      f.events.emit('requestfinished', submit);
      f.events.emit('framenavigated', f.main);
    });
    expect(before).toBe(false);
    // It looked at the new document's load state again before it settled.
    expect(f.state.loadWaits).toBe(2);
    expect(watcher.documents).toBe(1);
  });

  it('gives up waiting once the budget is spent', async () => {
    const f = fakePage();
    const watcher = new PageWatcher(f.page);
    f.events.emit('request', f.request(f.main));
    const started = Date.now();
    await watcher.settle(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
