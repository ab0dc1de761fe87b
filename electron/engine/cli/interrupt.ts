import { COMMANDS } from './commands/index';
import type { CliContext } from './command';

// What Ctrl-C (SIGINT), SIGTERM and SIGHUP do to a `certkit` process. Commands that hold a browser or servers
// (run, demo, capture, sandbox, app) listen to ctx.signal and end by themselves, keeping what they captured; every
// other command is ended at once. Either way the exit code says the command was interrupted, as a shell reports a
// process killed by the signal: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];
const NUMBER: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** How long a command that winds down itself may take before the process ends anyway. */
export const WIND_DOWN_MS = 10_000;

/** The abort reason a signal leaves on ctx.signal. */
export class Interrupted extends Error {
  constructor(readonly signal: StopSignal) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }

  get exitCode(): number {
    return 128 + NUMBER[this.signal];
  }
}

/**
 * The exit code of a command whose stop signal fired: 128 + the signal's number, or 1 when it was stopped some other
 * way (an abort with no signal behind it, as the tests and the app use).
 */
export function interruptedExitCode(signal: AbortSignal): number {
  return signal.reason instanceof Interrupted ? signal.reason.exitCode : 1;
}

/** Whether a command ends by itself on ctx.signal; the others are ended as soon as a signal comes. */
export function windsDown(commandName: string | undefined): boolean {
  return !!COMMANDS.find((c) => c.name === commandName)?.windsDown;
}

export interface InterruptHandling {
  signal: AbortSignal;
  /** The signal that came, if one did. */
  received(): Interrupted | undefined;
}

/**
 * Installs the process's signal handlers for one command. The first signal aborts ctx.signal; a command that does
 * not wind down is ended at once, one that does gets WIND_DOWN_MS; a second signal ends the process at once.
 * `exit` is process.exit (tests pass their own).
 */
export function handleInterrupts(
  commandName: string | undefined,
  stderr: CliContext['stderr'],
  exit: (code: number) => void = (code) => process.exit(code),
  windDownMs = WIND_DOWN_MS,
): InterruptHandling {
  const controller = new AbortController();
  let received: Interrupted | undefined;
  const label = commandName ? `certkit ${commandName}` : 'certkit';
  const onSignal = (sig: StopSignal) => {
    if (received) {
      stderr.write(`${label}: ${sig} again, ending now\n`);
      return exit(received.exitCode);
    }
    received = new Interrupted(sig);
    controller.abort(received);
    if (!windsDown(commandName)) {
      stderr.write(`${label}: interrupted by ${sig}\n`);
      return exit(received.exitCode);
    }
    stderr.write(`${label}: stopping (${sig}); press Ctrl-C again to end at once\n`);
    const late = setTimeout(() => {
      stderr.write(`${label}: still stopping after ${windDownMs / 1000} s, ending now\n`);
      exit(received!.exitCode);
    }, windDownMs);
    late.unref();
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  return { signal: controller.signal, received: () => received };
}
