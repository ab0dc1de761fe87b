/** Where a best-effort failure goes: a run's warning log, a test's list. */
export type Report = (what: string, err: unknown) => void;

/** The one-line reason of any thrown value, for a log line. */
export function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

/**
 * Work whose failure must not stop the caller (a log line not written, a page gone before it was read). The
 * failure is reported under `what`, never dropped, and the caller goes on with `fallback`.
 */
export async function bestEffort<T, F = undefined>(
  what: string,
  work: Promise<T> | (() => Promise<T>),
  report: Report,
  fallback?: F,
): Promise<T | F> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (err) {
    report(what, err);
    return fallback as F;
  }
}
