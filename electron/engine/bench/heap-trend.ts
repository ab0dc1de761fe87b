// Whether a long-lived process keeps more as it goes. RSS alone cannot say: V8 grows its heap while memory is free
// and collects late, so one RSS sample mostly tells when the last collection ran. What the process really keeps is
// the heap left after a full, forced collection; a leak shows as that figure rising steadily with the work done.

/** Heap in use right after a forced full collection, when `calls` calls had been made. */
export interface HeapSample {
  calls: number;
  heapBytes: number;
}

export interface HeapTrend {
  /** The samples the slope was fitted to: those taken from half of the run on. */
  fitted: HeapSample[];
  /** Least-squares growth of the retained heap, in bytes per `per` calls (undefined under two samples). */
  bytesPerStep?: number;
  /** Calls the slope is expressed per. */
  per: number;
  /** Largest retained heap of the whole run. */
  peakBytes: number;
}

/** Least-squares slope of y over x; undefined when x does not vary (fewer than two distinct points). */
export function slope(points: { x: number; y: number }[]): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? undefined : sxy / sxx;
}

/**
 * The retained heap's growth over the second half of a run of `total` calls. The first half is left out on purpose:
 * the bounded stores fill up there (log, sessions, orders), and growth until they are full is expected.
 */
export function heapTrend(samples: HeapSample[], total: number, per = 10_000): HeapTrend {
  const fitted = samples.filter((s) => s.calls >= total / 2);
  const perCall = slope(fitted.map((s) => ({ x: s.calls, y: s.heapBytes })));
  return {
    fitted,
    bytesPerStep: perCall === undefined ? undefined : perCall * per,
    per,
    peakBytes: Math.max(0, ...samples.map((s) => s.heapBytes)),
  };
}

/** Where the samples are taken: every `every` calls up to and including `total`. */
export function samplepoints(total: number, every = 10_000): number[] {
  const out: number[] = [];
  for (let at = every; at <= total; at += every) out.push(at);
  if (out[out.length - 1] !== total) out.push(total);
  return out;
}
