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
