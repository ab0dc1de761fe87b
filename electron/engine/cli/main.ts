import { parseArgs } from 'node:util';
import { printable } from '../../../shared/printable';
import { CertkitError, describeError, diskWriteError } from '../errors';
import { parseArgsOptions, type CliCommand, type CliContext } from './command';
import { COMMANDS } from './commands/index';
import { handleInterrupts, interruptedExitCode } from './interrupt';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'certkit: Amazon Payment Services go-live certification kit',
    '',
    'Usage: certkit <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `certkit <command> --help` for a command's options.",
    'Exit codes: 0 done, 1 the thing checked is not fine, 2 bad input or usage;',
    'stopped by Ctrl-C 130, by SIGTERM 143, by SIGHUP 129.',
    '',
  ].join('\n');
}

export function commandHelp(cmd: CliCommand): string {
  const flags = Object.entries(cmd.options).map(([name, o]) => ({
    flag: `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' <value>' : ''}${o.multiple ? ' ...' : ''}`,
    description: o.description,
  }));
  const width = Math.max(0, ...flags.map((f) => f.flag.length));
  const opts = flags.map((f) => `  ${f.flag.padEnd(width)}  ${f.description}`);
  return [`Usage: certkit ${cmd.usage}`, '', cmd.summary, ...(opts.length ? ['', 'Options:', ...opts] : []), ''].join(
    '\n',
  );
}

/** The process's own streams, environment and folder; `signal` fires on Ctrl-C, SIGTERM or SIGHUP. */
export function defaultContext(signal: AbortSignal = handleInterrupts(undefined, process.stderr).signal): CliContext {
  return {
    // A terminal acts on control characters; text from the workspace (an account name, a note) is shown without
    // them. Piped output (JSON for scripts) is left exactly as it is.
    stdout: process.stdout.isTTY ? { write: (text: string) => process.stdout.write(printable(text)) } : process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: !!process.stdout.isTTY,
    signal,
  };
}

/** The `certkit` process: one command with the process's streams and signals; sets the process's exit code. */
export async function runProcess(argv: string[]): Promise<void> {
  const interrupts = handleInterrupts(argv[0], process.stderr);
  // `certkit catalog --json | head`: the reader has all it wants once it closes the pipe; that is the end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  const code = await main(argv, defaultContext(interrupts.signal));
  // An interrupted command is done; stdin or a socket may still hold the event loop open, so end here.
  if (interrupts.received()) process.exit(code);
  process.exitCode = code;
}

export async function main(argv: string[], ctx: CliContext = defaultContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(helpText());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write('certkit 0.1.0\n');
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    ctx.stderr.write(
      `certkit: unknown command "${printable(name)}"\n  fix: run \`certkit --help\` for the list of commands\n`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(commandHelp(cmd));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: parseArgsOptions(cmd.options), allowPositionals: true, strict: true });
  } catch (err) {
    ctx.stderr.write(printable(`certkit ${name}: ${(err as Error).message}\n  usage: certkit ${cmd.usage}\n`));
    return 2;
  }
  const extra = cmd.positionals === undefined ? [] : parsed.positionals.slice(cmd.positionals);
  if (extra.length) {
    ctx.stderr.write(
      printable(
        `certkit ${name}: unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((a) => `"${a}"`).join(' ')} (it takes ${cmd.positionals === 0 ? 'none' : `at most ${cmd.positionals}`})\n` +
          `  fix: give a list as one comma-separated value (--only a,b), quote a value with spaces\n  usage: certkit ${cmd.usage}\n`,
      ),
    );
    return 2;
  }
  let code: number;
  try {
    code = await cmd.run(parsed as never, ctx);
  } catch (thrown) {
    // A disk that refused a write the command did not name itself still gets its path and fix.
    const err = diskWriteError(thrown);
    // Messages may carry text from the input (a field name, a file name): never a raw control character.
    ctx.stderr.write(printable(`certkit ${name}: ${describeError(err)}\n`));
    if (ctx.env.CERTKIT_DEBUG && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
    code = err instanceof CertkitError ? err.exitCode : 1;
  }
  // A command stopped by Ctrl-C or a signal did not finish, whatever it got done: never 0 (130, 143, 129 or 1).
  return ctx.signal.aborted ? interruptedExitCode(ctx.signal) : code;
}
