import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  trafficLineSchema,
  type TrafficLine,
  type TrafficRecord,
  type TrafficStart,
} from '../../../shared/schema/traffic';
import { CertkitError, errnoCode, errorMessage } from '../errors';
import { parseJsonText, readBoundedFile } from '../read-input';

// The relay's log is append-only NDJSON. Each line goes to the file in one write() on a descriptor opened with
// O_APPEND, so lines from one relay never interleave and a killed relay leaves every finished line intact; at worst
// the line being written when the machine (not the process) died is cut short, and the reader skips it and says so.
// Rewriting the file atomically after each exchange would cost a copy of the whole log per call.

export class TrafficLogWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure?: Error;

  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
  ) {}

  static async open(file: string): Promise<TrafficLogWriter> {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      return new TrafficLogWriter(file, await fs.open(file, 'a', 0o644));
    } catch (err) {
      throw new CertkitError(`cannot open the relay log ${file}: ${errnoCode(err) ?? errorMessage(err)}`, {
        hint: 'give --log a file in a folder you can write to',
        cause: err,
      });
    }
  }

  /** Queues one line; lines reach the file in the order they were appended. */
  append(line: TrafficLine): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await this.handle.write(text);
      } catch (err) {
        this.failure = err as Error;
      }
    });
    return this.chain;
  }

  /** The first write that failed (a full disk), if any: the relay reports it rather than losing lines unseen. */
  get error(): Error | undefined {
    return this.failure;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.sync().catch(() => undefined);
    await this.handle.close();
  }
}

export interface TrafficFile {
  file: string;
  start?: TrafficStart;
  records: TrafficRecord[];
  /** Lines that could not be read, with their number (1-based) and why. */
  problems: { line: number; message: string }[];
}

/** Parses a relay log, keeping every good line; a damaged line is reported, never fatal. */
export function parseTrafficLog(text: string, file: string): TrafficFile {
  const out: TrafficFile = { file, records: [], problems: [] };
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const last = i === lines.length - 1;
    let value: unknown;
    try {
      // Nesting is bounded here too: a hand-edited line must not overflow the stack of the schema check below.
      value = parseJsonText(line, { what: 'the line' });
    } catch {
      out.problems.push({
        line: i + 1,
        message: last ? 'the last line was cut short (the relay stopped while writing it)' : 'not JSON',
      });
      continue;
    }
    const parsed = trafficLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      out.problems.push({
        line: i + 1,
        message: `not a relay record: ${issue?.path.join('.') || '(top level)'} ${issue?.message}`,
      });
      continue;
    }
    if (parsed.data.type === 'start') out.start ??= parsed.data;
    else out.records.push(parsed.data);
  }
  return out;
}

/**
 * Reads a relay log; with `maxBytes` (a log handed in from elsewhere) through the bounded reader, which refuses a
 * larger file by name, size and limit before reading it.
 */
export async function readTrafficLog(file: string, maxBytes?: number): Promise<TrafficFile> {
  let text: string;
  try {
    text =
      maxBytes === undefined
        ? await fs.readFile(file, 'utf8')
        : (
            await readBoundedFile(file, {
              what: `the relay log ${file}`,
              maxBytes,
              hint: 'import the NDJSON file one relay session wrote (certkit relay --log FILE); split a longer log by session',
            })
          ).toString('utf8');
  } catch (err) {
    if (err instanceof CertkitError) throw err;
    throw new CertkitError(`cannot read the traffic log ${file}: ${errnoCode(err) ?? errorMessage(err)}`, {
      hint: 'give the path of the NDJSON file `certkit relay --log` wrote',
      cause: err,
    });
  }
  return parseTrafficLog(text, file);
}
