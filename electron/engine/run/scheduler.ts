/** Something to run that may build on another item (a saved card's delete builds on its save). */
export interface Schedulable {
  id: string;
  dependsOn?: string;
}

export interface ScheduleOptions<T extends Schedulable> {
  /** Items run at once, at least one. */
  concurrency: number;
  /** Catalog position: siblings that build on the same item run one after another in this order. */
  order: (item: T) => number;
  run: (item: T) => Promise<void>;
  /** Called instead of `run` for every item not yet started once `signal` fires. */
  skip: (item: T) => Promise<void>;
  signal?: AbortSignal;
}

/**
 * Runs items with at most `concurrency` at once. An item whose dependency is in the same batch starts once that
 * one has finished (passed or not: the item's own run decides what a failed dependency means); siblings with the
 * same dependency run in catalog order, so a cancellation never overtakes the charge that needs the subscription
 * alive. A dependency outside the batch (done in an earlier run) does not hold anything back.
 */
export async function schedule<T extends Schedulable>(items: T[], options: ScheduleOptions<T>): Promise<void> {
  const queue = [...items];
  const inBatch = new Set(items.map((i) => i.id));
  const finished = new Set<string>();
  let running = 0;
  let firstError: { err: unknown } | undefined;
  let wake: (() => void)[] = [];
  const wakeAll = () => wake.splice(0).forEach((w) => w());

  const ready = (item: T) => {
    if (!item.dependsOn) return true;
    if (inBatch.has(item.dependsOn) && !finished.has(item.dependsOn)) return false;
    return items.every(
      (o) => o.dependsOn !== item.dependsOn || options.order(o) >= options.order(item) || finished.has(o.id),
    );
  };

  const worker = async () => {
    while (queue.length) {
      const next = queue.findIndex(ready);
      if (next < 0) {
        if (!running) throw new Error(`items ${queue.map((i) => i.id).join(', ')} wait on each other`);
        await new Promise<void>((r) => wake.push(r));
        continue;
      }
      const [item] = queue.splice(next, 1);
      running++;
      try {
        await (options.signal?.aborted ? options.skip(item) : options.run(item));
      } catch (err) {
        // One item's crash must not strand the items that wait on it; the first one is rethrown at the end.
        firstError ??= { err };
      } finally {
        running--;
        finished.add(item.id);
        wakeAll();
      }
    }
    wakeAll();
  };

  const workers = Math.min(Math.max(1, options.concurrency), Math.max(1, items.length));
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    wake = [];
  }
  if (firstError) throw firstError.err;
}
