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

/**
 * Bounds of what Certkit reads from a person or a file they hand it. Each is far above any real input (a workspace
 * is a few KB, a Recorder export a few hundred steps, an APS request a few KB) and far below what would exhaust
 * memory or the stack, so a runaway file or pipe is refused with a message instead of taking the process down.
 */
export const INPUT_LIMITS = {
  /** certkit.json. */
  workspaceBytes: 2 * MB,
  /** One Recorder export (a flow file or a recording being imported). */
  recordingBytes: 5 * MB,
  recordingSteps: 2000,
  /** JSON or code handed to a command: piped to `sign` or `snippet`, or a `snippet --file`. */
  stdinBytes: 1 * MB,
  /** An image of a screen the engineer imports (`certkit attach`, the app's drop zone). */
  screenshotBytes: 30 * MB,
  /** A relay log brought in with `certkit traffic import`: a day of relayed test calls is a few MB. */
  trafficLogBytes: 50 * MB,
  /** Any other small JSON file a person hands in (a sandbox --config). */
  configBytes: 1 * MB,
  /** Nesting of arrays and objects in any JSON read from input; real files nest fewer than ten levels. */
  jsonDepth: 64,
} as const;
