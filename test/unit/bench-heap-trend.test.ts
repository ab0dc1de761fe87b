import { describe, expect, it } from 'vitest';
import { heapTrend, samplepoints, slope, type HeapSample } from '../../electron/engine/bench/heap-trend';
import { meetsTarget, verdict } from '../../electron/engine/bench/verdict';
import type { BenchRow } from '../../electron/engine/bench/types';

const MB = 1024 * 1024;

/** Samples every 10k calls of a 200k soak: filling up to `fullAt`, then `perStep` bytes more per 10k calls. */
function soak(fullAt: number, filled: number, perStep: number, wobble: number[] = []): HeapSample[] {
  return samplepoints(200_000).map((calls, i) => ({
    calls,
    heapBytes:
      Math.min(calls, fullAt) * (filled / fullAt) + Math.max(0, calls - fullAt) * (perStep / 10_000) + (wobble[i] ?? 0),
  }));
}

describe('retained heap trend of the soak', () => {
  it('fits a least-squares line, and gives none without two distinct points', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 2, y: 5 },
        { x: 4, y: 9 },
      ]),
    ).toBeCloseTo(2);
    // Noise around a level line averages out instead of counting as growth.
    expect(
      slope([
        { x: 0, y: 10 },
        { x: 1, y: 12 },
        { x: 2, y: 8 },
        { x: 3, y: 10 },
      ]),
    ).toBeCloseTo(-0.4);
    expect(slope([{ x: 5, y: 1 }])).toBeUndefined();
    expect(
      slope([
        { x: 5, y: 1 },
        { x: 5, y: 3 },
      ]),
    ).toBeUndefined();
  });

  it('leaves the filling first half out: stores that fill up and then stay full read as flat', () => {
    const trend = heapTrend(soak(60_000, 60 * MB, 0), 200_000);
    expect(trend.fitted.map((s) => s.calls)).toEqual([
      100_000, 110_000, 120_000, 130_000, 140_000, 150_000, 160_000, 170_000, 180_000, 190_000, 200_000,
    ]);
    expect(trend.bytesPerStep).toBeCloseTo(0);
    expect(trend.peakBytes).toBeCloseTo(60 * MB);
  });

  it('sees a small steady leak through collection noise, in bytes per 10k calls', () => {
    const wobble = samplepoints(200_000).map((_, i) => (i % 2 ? 1.5 : -1.5) * MB);
    const trend = heapTrend(soak(60_000, 60 * MB, 2 * MB, wobble), 200_000);
    expect(trend.bytesPerStep! / MB).toBeGreaterThan(1.5);
    expect(trend.bytesPerStep! / MB).toBeLessThan(2.5);
    const row: BenchRow = {
      section: 'soak',
      name: 'growth',
      value: trend.bytesPerStep! / MB,
      unit: 'MB',
      target: { value: 1, better: 'lower' },
    };
    expect(meetsTarget(row)).toBe(false);
  });

  it('samples every 10k calls and always at the last call', () => {
    expect(samplepoints(30_000)).toEqual([10_000, 20_000, 30_000]);
    expect(samplepoints(25_000)).toEqual([10_000, 20_000, 25_000]);
    expect(samplepoints(4_000)).toEqual([4_000]);
  });
});

describe('bench verdicts', () => {
  const row = (value: number, better: 'lower' | 'higher'): BenchRow => ({
    section: 's',
    name: 'n',
    value,
    unit: 'MB',
    target: { value: 1, better },
  });

  it('judges against the target in the direction that is good, the bound itself included', () => {
    expect(verdict(row(1, 'lower'))).toBe('ok (<= 1)');
    expect(verdict(row(1.01, 'lower'))).toBe('MISSED (<= 1)');
    expect(verdict(row(0.99, 'higher'))).toBe('MISSED (>= 1)');
    expect(verdict(row(3, 'higher'))).toBe('ok (>= 1)');
  });

  it('a figure that could not be measured is missed, not passed; one without a target is not judged', () => {
    expect(meetsTarget(row(NaN, 'lower'))).toBe(false);
    expect(verdict(row(NaN, 'higher'))).toBe('MISSED (>= 1)');
    expect(meetsTarget({ section: 's', name: 'n', value: 5, unit: 'MB' })).toBeUndefined();
    expect(verdict({ section: 's', name: 'n', value: 5, unit: 'MB' })).toBe('');
  });
});
