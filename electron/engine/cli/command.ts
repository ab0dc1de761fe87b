import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { Env } from '../env';
import { CertkitError } from '../errors';

export interface Output {
  write(text: string): unknown;
}

export interface CliContext {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream;
  env: Env;
  cwd: string;
  /** True when stdout is a terminal: progress bars instead of plain lines. */
  isTTY: boolean;
  /** Resolves when the user asks to stop (Ctrl-C); long commands listen to it. */
  signal: AbortSignal;
}

/** One option of a command. The description is required: `certkit <command> --help` shows it. */
export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line saying what the option does (and its values or default when it takes one). */
  description: string;
}

export type OptionSpec = Record<string, OptionDef>;

/** The options as node:util parseArgs takes them. */
export function parseArgsOptions(spec: OptionSpec): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Usage line(s) after `certkit `. */
  usage: string;
  options: OptionSpec;
  /** Returns the exit code: 0 done, 1 the thing checked is not fine, 2 bad input or usage. */
  run(args: ParsedArgs, ctx: CliContext): Promise<number>;
  /**
   * The command listens to ctx.signal and ends by itself on Ctrl-C or SIGTERM (closing its browser or servers,
   * keeping what it captured). Any other command is ended at once when a signal comes (cli/interrupt.ts).
   */
  windsDown?: boolean;
}

export function defineCommand(command: CliCommand): CliCommand {
  return command;
}

/** Everything on `stream` (stdin), or a rejection as soon as `signal` fires: Ctrl-C never waits on input. */
export async function readAll(stream: NodeJS.ReadableStream, signal?: AbortSignal): Promise<string> {
  signal?.throwIfAborted();
  const chunks: Buffer[] = [];
  const read = (async () => {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  })();
  // Once the signal has won, a later error of the abandoned read has no one left to tell.
  read.catch(() => undefined);
  if (!signal) await read;
  else {
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([read, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(args: ParsedArgs, name: string): string[] | undefined {
  const v = stringOpt(args, name);
  return v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/**
 * The workspace folder a command names as its first argument, resolved against the working directory. `usage` is
 * the command's usage line, shown as the fix when the folder is missing.
 */
export function workspaceArg(args: ParsedArgs, ctx: Pick<CliContext, 'cwd'>, usage: string): string {
  const dir = args.positionals[0];
  if (!dir) throw new CertkitError('no workspace folder given', { hint: `certkit ${usage}` });
  return path.resolve(ctx.cwd, dir);
}

/** An option the command cannot do without; `usage` is shown as the fix. */
export function requiredOpt(args: ParsedArgs, name: string, usage: string): string {
  const value = stringOpt(args, name);
  if (value === undefined) throw new CertkitError(`--${name} is needed`, { hint: `certkit ${usage}` });
  return value;
}
