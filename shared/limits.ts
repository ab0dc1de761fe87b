import { SIGNOFF_EMAIL } from './aps/signoff-email';

export const MB = 1024 * 1024;

/**
 * Bounds and defaults of the numbers a user may set (certkit.json, CLI flags, the app). The workspace schema, the
 * command line and the engine read them here, so a bound cannot drift between the place that checks it and the
 * place that applies it.
 */
export const LIMITS = {
  /** Scenarios run at once; each is a browser context of one shared browser. */
  concurrency: { min: 1, max: 8, default: 2 },
  /** Largest package file; APS's own limit is the default. */
  packageMb: { min: 0.5, max: 100, default: SIGNOFF_EMAIL.maxAttachmentBytes / MB },
  /** Attachments go inside the .eml only when they fit this. */
  mailLimitMb: { max: 100, default: 25 },
} as const;

/** A requested concurrency within bounds; the default when none is asked for. */
export function clampConcurrency(requested: number | undefined): number {
  const { min, max } = LIMITS.concurrency;
  return Math.max(min, Math.min(max, requested ?? LIMITS.concurrency.default));
}
