import { PassThrough, Readable } from 'node:stream';
import type { CliContext } from '../../electron/engine/cli/command';
import { main } from '../../electron/engine/cli/main';
import type { Env } from '../../electron/engine/env';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** What is piped in: text, or raw bytes (for input that is not UTF-8). */
  stdin?: string | Buffer;
  /** The command's environment; none by default, so a developer's CERTKIT_* variables never leak into a test. */
  env?: Env;
  cwd?: string;
}

/** A CLI context with captured streams and a stop button, for running commands in-process. */
export function cliContext(options: CliOptions = {}) {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  let lineSeen: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (lineSeen = resolve));
  const ctx: CliContext = {
    stdout: {
      write: (t: string) => {
        stdout += t;
        if (stdout.includes('\n')) lineSeen(stdout.split('\n')[0]);
        return true;
      },
    },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: options.stdin === undefined ? new PassThrough().end() : Readable.from([Buffer.from(options.stdin)]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
    signal: controller.signal,
  };
  return {
    ctx,
    stdout: () => stdout,
    stderr: () => stderr,
    /** The first line the command prints (the sandbox's JSON line). */
    firstLine,
    /** Ctrl-C. */
    stop: () => controller.abort(),
  };
}

/** Runs the CLI in-process with captured streams (fast); spawn tests cover the real binary separately. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  const cli = cliContext(options);
  const code = await main(argv, cli.ctx);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
