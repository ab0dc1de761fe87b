import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { Env } from '../env';
import { INPUT_LIMITS } from '../../../shared/limits';
import { CertkitError } from '../errors';
import { decodeUtf8, readBoundedStream } from '../read-input';

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
  /**
   * The most arguments (not options) the command takes: any more are refused before it runs, so a stray word (a
   * list split by a space, an unquoted value) is not silently dropped. Unset: any number (config's key=value ...).
   */
  positionals?: number;
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

/**
 * Text piped to a command (stdin): at most INPUT_LIMITS.stdinBytes, strict UTF-8 (a BOM is accepted), and a
 * rejection as soon as `signal` fires, so Ctrl-C never waits on input. `hint` is the fix for a refusal.
 */
export async function readStdin(stream: NodeJS.ReadableStream, hint: string, signal?: AbortSignal): Promise<string> {
  const source = { what: 'stdin', maxBytes: INPUT_LIMITS.stdinBytes, hint };
  return decodeUtf8(await readBoundedStream(stream, source, signal), source);
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
