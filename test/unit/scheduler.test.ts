import { describe, expect, it } from 'vitest';
import { schedule, type Schedulable } from '../../electron/engine/run/scheduler';

interface Item extends Schedulable {
  order: number;
}

const item = (id: string, order: number, dependsOn?: string): Item => ({ id, order, dependsOn });

/**
 * Runs the items with runs that finish only when the test releases them, recording what started, ended and was
 * skipped; `running(ids)` waits (on the scheduler's own calls, no timers) until exactly those items run.
 */
function harness(items: Item[], concurrency: number, signal?: AbortSignal) {
  const log: string[] = [];
  const pending = new Map<string, () => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  let watchers: (() => void)[] = [];
  const changed = () => watchers.forEach((w) => w());
  const done = schedule(items, {
    concurrency,
    order: (i) => i.order,
    signal,
    run: (i) =>
      new Promise<void>((resolve) => {
        log.push(`start ${i.id}`);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        pending.set(i.id, () => {
          inFlight--;
          log.push(`end ${i.id}`);
          resolve();
        });
        changed();
      }),
    skip: async (i) => {
      log.push(`skip ${i.id}`);
    },
  });
  const now = () => [...pending.keys()].sort();
  return {
    log,
    done,
    maxInFlight: () => maxInFlight,
    running(ids: string[]): Promise<void> {
      const want = JSON.stringify([...ids].sort());
      return new Promise((resolve) => {
        const check = () => {
          if (JSON.stringify(now()) !== want) return;
          watchers = watchers.filter((w) => w !== check);
          resolve();
        };
        watchers.push(check);
        check();
      });
    },
    release(id: string): void {
      const end = pending.get(id);
      if (!end) throw new Error(`${id} is not running (running: ${now().join(', ')})`);
      pending.delete(id);
      end();
    },
  };
}

describe('run scheduler', () => {
  it('runs at most `concurrency` items at once and all of them in the end', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map((id, n) => item(id, n));
    const h = harness(items, 2);
    await h.running(['a', 'b']);
    h.release('a');
    await h.running(['b', 'c']);
    h.release('b');
    await h.running(['c', 'd']);
    h.release('c');
    await h.running(['d', 'e']);
    h.release('d');
    h.release('e');
    await h.done;
    expect(h.maxInFlight()).toBe(2);
    expect(h.log.filter((l) => l.startsWith('start'))).toHaveLength(5);
  });

  it('starts an item only once the item it builds on has finished, even with workers free', async () => {
    const h = harness([item('save', 0), item('delete', 1, 'save'), item('other', 2)], 3);
    await h.running(['other', 'save']);
    h.release('other');
    await h.running(['save']);
    h.release('save');
    await h.running(['delete']);
    h.release('delete');
    await h.done;
    expect(h.log.indexOf('start delete')).toBeGreaterThan(h.log.indexOf('end save'));
  });

  it('runs siblings that build on the same item one after another, in catalog order', async () => {
    // Listed out of catalog order on purpose: the cancel (order 3) must wait for the charge (order 2).
    const h = harness([item('initial', 1), item('cancel', 3, 'initial'), item('charge', 2, 'initial')], 4);
    await h.running(['initial']);
    h.release('initial');
    await h.running(['charge']);
    h.release('charge');
    await h.running(['cancel']);
    h.release('cancel');
    await h.done;
    expect(h.log).toEqual(['start initial', 'end initial', 'start charge', 'end charge', 'start cancel', 'end cancel']);
  });

  it('does not hold back an item whose dependency is not in this batch (done in an earlier run)', async () => {
    const h = harness([item('delete', 1, 'save'), item('other', 2)], 2);
    await h.running(['delete', 'other']);
    h.release('delete');
    h.release('other');
    await h.done;
  });

  it('skips every item not yet started once the run is stopped, and lets the running one finish', async () => {
    const stop = new AbortController();
    const h = harness([item('a', 0), item('b', 1), item('c', 2, 'a')], 1, stop.signal);
    await h.running(['a']);
    stop.abort();
    h.release('a');
    await h.done;
    expect(h.log).toEqual(['start a', 'end a', 'skip b', 'skip c']);
  });

  it('lets dependents run after an item crashed, then rethrows the crash', async () => {
    const ran: string[] = [];
    const done = schedule([item('save', 0), item('delete', 1, 'save')], {
      concurrency: 2,
      order: (i) => i.order,
      run: async (i) => {
        ran.push(i.id);
        if (i.id === 'save') throw new Error('disk gone');
      },
      skip: async () => undefined,
    });
    await expect(done).rejects.toThrow('disk gone');
    expect(ran).toEqual(['save', 'delete']);
  });

  it('refuses items that wait on each other instead of hanging', async () => {
    const done = schedule([item('a', 0, 'b'), item('b', 1, 'a')], {
      concurrency: 2,
      order: (i) => i.order,
      run: async () => undefined,
      skip: async () => undefined,
    });
    await expect(done).rejects.toThrow(/a, b wait on each other/);
  });
});
