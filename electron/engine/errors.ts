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
