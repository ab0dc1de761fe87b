import { describe, expect, it } from 'vitest';
import { bestEffort, reasonOf } from '../../electron/engine/util/best-effort';

describe('best-effort work', () => {
  it('returns the result and reports nothing when the work succeeds', async () => {
    const reported: string[] = [];
    expect(
      await bestEffort(
        'reading',
        async () => 7,
        (what) => reported.push(what),
        0,
      ),
    ).toBe(7);
    expect(reported).toEqual([]);
  });

  it('reports a failure under its name with the first line of the reason, and goes on with the fallback', async () => {
    const reported: string[] = [];
    const report = (what: string, err: unknown) => reported.push(`${what}: ${reasonOf(err)}`);
    const failing = Promise.reject(new Error('EACCES: permission denied\n    at open'));
    expect(await bestEffort('writing run.json', failing, report, 'fallback')).toBe('fallback');
    expect(await bestEffort('closing', () => Promise.reject('gone'), report)).toBeUndefined();
    expect(reported).toEqual(['writing run.json: EACCES: permission denied', 'closing: gone']);
  });
});
