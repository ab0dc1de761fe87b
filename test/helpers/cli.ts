import { PassThrough, Readable } from 'node:stream';
import { main } from '../../electron/engine/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams (fast); spawn tests cover the real binary separately. */
export async function runCli(
  argv: string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = options.stdin === undefined ? new PassThrough().end() : Readable.from([Buffer.from(options.stdin)]);
  const code = await main(argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    isTTY: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
