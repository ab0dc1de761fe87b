/**
 * An error the user can act on: names the thing that is wrong and what to do. `exitCode` follows the CLI
 * contract: 1 when the thing checked is not fine, 2 for bad input or usage.
 */
export class CertkitError extends Error {
  readonly exitCode: 1 | 2;
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'CertkitError';
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof CertkitError) return err.hint ? `${err.message}\n  fix: ${err.hint}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The message of anything thrown, for a line in a log, a warning or a wrapping error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The fix a CertkitError carries; other errors have none. */
export function errorHint(err: unknown): string | undefined {
  return err instanceof CertkitError ? err.hint : undefined;
}

/** The errno code of a failed file-system call (ENOENT, EACCES, ...), or undefined for anything else. */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string'
    ? (err as NodeJS.ErrnoException).code
    : undefined;
}

/** What a person can do about each file-system refusal that is about the disk or the folder, not about Certkit. */
const DISK_REFUSALS: Record<string, { why: string; fix: string }> = {
  ENOSPC: {
    why: 'the disk is full',
    fix: 'free space on that disk (or write to another one), then run the command again',
  },
  EDQUOT: {
    why: 'your disk quota is used up',
    fix: 'remove files you no longer need (or write to another disk), then run the command again',
  },
  EACCES: {
    why: 'permission denied',
    fix: 'give your user permission to read and write there, or choose a folder you own',
  },
  EPERM: {
    why: 'the operation is not permitted',
    fix: 'give your user permission to read and write there, or choose a folder you own',
  },
  EROFS: {
    why: 'the file system is read-only',
    fix: 'copy the workspace to a writable disk (or remount this one read-write) and run the command there',
  },
};

/**
 * A write refused by the disk (full, over quota, no permission, read-only) as a CertkitError naming the path and
 * the fix (exit code 2: the environment must change before the command can succeed). Anything else comes back as
 * it was. Every place that writes files passes its failures through here with the file it was writing; the CLI and
 * the app pass whatever else reaches them, named by the path the system call reported.
 */
export function diskWriteError(err: unknown, target?: string): unknown {
  if (err instanceof CertkitError) return err;
  const code = errnoCode(err);
  const refusal = code ? DISK_REFUSALS[code] : undefined;
  if (!refusal) return err;
  const reported = (err as NodeJS.ErrnoException).path;
  if (!target && !reported) return err;
  const what = target ? `cannot write ${target}` : `${(err as NodeJS.ErrnoException).syscall ?? 'access'} ${reported}`;
  return new CertkitError(`${what}: ${refusal.why} (${code})`, { hint: refusal.fix, cause: err });
}

/**
 * Why a server could not listen, for the person who chose the address: the port in use, a port that needs root,
 * or an address that is not this machine's. `option` is how they set it ("--port", "--listen").
 */
export function listenError(err: unknown, address: string, option: string): CertkitError {
  const code = errnoCode(err);
  const [message, hint] =
    code === 'EADDRINUSE'
      ? [
          `${address} is already in use`,
          `another program (or another Certkit) listens there: stop it, or pick another port with ${option} (0 picks a free one)`,
        ]
      : code === 'EACCES'
        ? [`${address} needs more rights than this user has`, `pick a port above 1023 with ${option}`]
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? [`${address} is not an address of this machine`, `use 127.0.0.1 (or another local address) with ${option}`]
          : [`cannot listen on ${address}: ${code ?? errorMessage(err)}`, `check ${option}`];
  return new CertkitError(message, { hint, cause: err });
}
