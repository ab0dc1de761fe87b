import { promises as fs } from 'node:fs';
import { INPUT_LIMITS } from '../../shared/limits';
import { both, type Bilingual } from '../../shared/text';
import { CertkitError, inBoth, type Said } from './errors';

// The one way Certkit reads what a person hands it (certkit.json, a recording, a config file, a pipe): bounded in
// size before it is read, strict UTF-8 (a byte that is not UTF-8 is refused, never turned into U+FFFD and signed or
// stored), a leading BOM accepted, and JSON checked for syntax and nesting depth without echoing any of the input
// (a refused file may be a symlink to something private, or hold terminal escape codes).

/** What is being read, as the messages name it ("certkit.json at /w", "stdin"), and the fix for a refusal. */
export interface InputSource {
  /** A name (a path reads the same in both languages) or a phrase written in both. */
  what: Said;
  maxBytes: number;
  /** The fix shown when the input is refused for its content (not UTF-8, not JSON, too deep, too large). */
  hint?: Said;
}

function sizeText(bytes: number): Bilingual {
  if (bytes < 1024 * 1024) return both(`${bytes} bytes`, `${bytes} بايت`);
  const mb = (bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0);
  return both(`${mb} MB`, `${mb} ميغابايت`);
}

function tooLarge(source: InputSource, seen: Bilingual): CertkitError {
  const what = inBoth(source.what);
  const limit = sizeText(source.maxBytes);
  return new CertkitError(
    both(`${what.en} is ${seen.en}; the limit is ${limit.en}`, `حجم ${what.ar} ${seen.ar}، والحد ${limit.ar}`),
    {
      hint:
        source.hint ??
        both(
          'check that this is the file you meant; real ones are far smaller',
          'تحقّق من أنه الملف المقصود؛ الملفات الحقيقية أصغر من ذلك بكثير',
        ),
    },
  );
}

function over(limit: number): Bilingual {
  const size = sizeText(limit);
  return both(`over ${size.en}`, `يتجاوز ${size.ar}`);
}

/**
 * The bytes of a file, refused before reading when it is larger than the limit. Read in bounded chunks, so a file
 * that grows while it is read, or a device that never ends, is refused at the limit too. Errors of the file system
 * (ENOENT, EACCES, EISDIR) are thrown as they are, for the caller to name.
 */
export async function readBoundedFile(file: string, source: InputSource): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > source.maxBytes) throw tooLarge(source, sizeText(size));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, source.maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (!bytesRead) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > source.maxBytes) throw tooLarge(source, over(source.maxBytes));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * Everything on a stream (stdin) up to the limit. Past the limit it stops reading at once and destroys the stream,
 * so 2 GB piped in costs one chunk over the limit, not 2 GB; Ctrl-C (`signal`) never waits on input either.
 */
export async function readBoundedStream(
  stream: NodeJS.ReadableStream,
  source: InputSource,
  signal?: AbortSignal,
): Promise<Buffer> {
  signal?.throwIfAborted();
  const chunks: Buffer[] = [];
  let total = 0;
  const read = (async () => {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(buf);
      total += buf.length;
      if (total > source.maxBytes) {
        (stream as Partial<NodeJS.ReadStream>).destroy?.();
        throw tooLarge(source, over(source.maxBytes));
      }
    }
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
  return Buffer.concat(chunks, total);
}

/** Line (1-based) of a byte or character offset, for messages that point into a file without quoting it. */
function lineAt(text: string | Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === 10 || text[i] === '\n') line++;
  return line;
}

/** Bytes as text, strictly: a UTF-8 BOM is dropped, any byte that is not UTF-8 is refused with its offset. */
export function decodeUtf8(bytes: Uint8Array, source: Omit<InputSource, 'maxBytes'>): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The first bad byte: the longest prefix that still decodes (streaming, so a sequence cut short is not an error).
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    // The prefix may end inside a character that only the next byte proved bad: point at that character's start.
    let at = lo;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, lo));
    } catch {
      while (at > 0 && (bytes[at - 1] & 0xc0) === 0x80) at--;
      at = Math.max(0, at - 1);
    }
    const line = lineAt(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), at);
    const where =
      lo === bytes.length
        ? both('it ends in the middle of a character', 'ينتهي في منتصف حرف')
        : both(`byte ${at} (line ${line}) is not valid UTF-8`, `البايت ${at} (السطر ${line}) ليس UTF-8 صالحًا`);
    const what = inBoth(source.what);
    throw new CertkitError(
      both(`${what.en} is not UTF-8 text: ${where.en}`, `${what.ar} ليس نصًا بترميز UTF-8: ${where.ar}`),
      {
        hint:
          source.hint ??
          both(
            'save it as UTF-8 (in most editors: Save with encoding > UTF-8) and try again',
            'احفظه بترميز UTF-8 (في معظم المحررات: الحفظ بترميز > UTF-8) ثم أعد المحاولة',
          ),
      },
    );
  }
}

interface JsonFault {
  at: number;
  reason: Bilingual;
  /** Nested too deep: the text is valid JSON, but not usable. */
  deep?: boolean;
}

/** Why JSON text was refused, in both languages, without quoting it. */
const JSON_FAULTS = {
  control: both(
    'a control character inside a string (write it as an escape, e.g. \\n)',
    'محرف تحكم داخل نص (اكتبه تسلسلَ هروب، مثل \\n)',
  ),
  unicodeEscape: both('a bad \\u escape', 'تسلسل هروب \\u غير صالح'),
  escape: both('a bad escape in a string', 'تسلسل هروب غير صالح داخل نص'),
  unclosed: both('a string that is never closed', 'نص لا يُغلق أبدًا'),
  early: both('the text ends before the JSON does', 'ينتهي النص قبل أن ينتهي JSON'),
  trailing: both('more text after the JSON value', 'نص زائد بعد قيمة JSON'),
  colon: both("a ':' after a property name was expected", "كان متوقعًا ':' بعد اسم الخاصية"),
  key: both(
    'a property name in double quotes was expected (a trailing comma is the usual cause)',
    'كان متوقعًا اسم خاصية بين علامتي تنصيص مزدوجتين (والسبب المعتاد فاصلة زائدة في الآخر)',
  ),
  value: both(
    'a value was expected (a missing quote is the usual cause)',
    'كانت متوقعة قيمة (والسبب المعتاد علامة تنصيص ناقصة)',
  ),
  commaOr: (close: string) => both(`',' or '${close}' was expected`, `كان متوقعًا ',' أو '${close}'`),
  deep: (max: number) =>
    both(`arrays and objects nested more than ${max} deep`, `مصفوفات وكائنات متداخلة بعمق يزيد على ${max}`),
};

/**
 * Walks JSON text once, without recursion, and returns where it first goes wrong: a syntax error, or arrays and
 * objects nested deeper than `maxDepth` (which would overflow the stack of everything that walks the value later).
 */
function jsonFault(text: string, maxDepth: number): JsonFault | undefined {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  type Want = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';
  let want: Want = 'value';
  const afterValue = (): Want => (stack.length ? 'commaOrClose' : 'end');
  // Runs of ordinary characters are skipped in one step; the loop looks only at quotes, escapes and controls.
  const plain = /[^"\\\u0000-\u001f]*/y;
  const string = (): JsonFault | undefined => {
    for (i++; i < n; i++) {
      plain.lastIndex = i;
      plain.test(text);
      i = plain.lastIndex;
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { at: i, reason: JSON_FAULTS.control };
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { at: i, reason: JSON_FAULTS.unicodeEscape };
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else return { at: i, reason: JSON_FAULTS.escape };
      }
    }
    return { at: n, reason: JSON_FAULTS.unclosed };
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  while (true) {
    while (i < n && ' \t\n\r'.includes(text[i])) i++;
    if (i >= n) return want === 'end' ? undefined : { at: n, reason: JSON_FAULTS.early };
    const c = text[i];
    if (want === 'end') return { at: i, reason: JSON_FAULTS.trailing };
    if (want === 'colon') {
      if (c !== ':') return { at: i, reason: JSON_FAULTS.colon };
      i++;
      want = 'value';
      continue;
    }
    if (want === 'commaOrClose') {
      const close = stack[stack.length - 1] === '{' ? '}' : ']';
      if (c === ',') {
        i++;
        want = close === '}' ? 'key' : 'value';
      } else if (c === close) {
        stack.pop();
        i++;
        want = afterValue();
      } else return { at: i, reason: JSON_FAULTS.commaOr(close) };
      continue;
    }
    if (want === 'key' || want === 'keyOrClose') {
      if (want === 'keyOrClose' && c === '}') {
        stack.pop();
        i++;
        want = afterValue();
        continue;
      }
      if (c !== '"') return { at: i, reason: JSON_FAULTS.key };
      const fault = string();
      if (fault) return fault;
      want = 'colon';
      continue;
    }
    // A value.
    if (want === 'valueOrClose' && c === ']') {
      stack.pop();
      i++;
      want = afterValue();
      continue;
    }
    if (c === '{' || c === '[') {
      stack.push(c);
      if (stack.length > maxDepth) return { at: i, reason: JSON_FAULTS.deep(maxDepth), deep: true };
      i++;
      want = c === '{' ? 'keyOrClose' : 'valueOrClose';
      continue;
    }
    if (c === '"') {
      const fault = string();
      if (fault) return fault;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else {
      number.lastIndex = i;
      if (!number.test(text)) return { at: i, reason: JSON_FAULTS.value };
      i = number.lastIndex;
    }
    want = afterValue();
  }
}

/**
 * JSON text as a value. A refusal names the source, the line and column and what was expected, and never quotes
 * the text itself; nesting deeper than INPUT_LIMITS.jsonDepth is refused before anything walks the value.
 */
export function parseJsonText(
  text: string,
  source: Omit<InputSource, 'maxBytes'>,
  maxDepth: number = INPUT_LIMITS.jsonDepth,
): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const fault = jsonFault(body, maxDepth);
  if (fault) {
    const line = lineAt(body, fault.at);
    const column = fault.at - body.lastIndexOf('\n', fault.at - 1);
    const what = inBoth(source.what);
    const { reason, deep } = fault;
    throw new CertkitError(
      both(
        `${what.en} is not ${deep ? 'usable' : 'valid'} JSON: ${reason.en} at line ${line}, column ${column}`,
        `${what.ar} ليس JSON ${deep ? 'قابلًا للاستعمال' : 'صالحًا'}: ${reason.ar} في السطر ${line}، العمود ${column}`,
      ),
      {
        hint:
          source.hint ??
          (deep
            ? both(
                'flatten the data; real files nest a few levels',
                'قلّل تداخل البيانات؛ الملفات الحقيقية تتداخل بضعة مستويات',
              )
            : both('fix the JSON syntax at that place', 'أصلح صياغة JSON في ذلك الموضع')),
      },
    );
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    // The walk above accepts only what JSON.parse does; this is a guard, and its message must not quote the text.
    const what = inBoth(source.what);
    throw new CertkitError(both(`${what.en} is not valid JSON`, `${what.ar} ليس JSON صالحًا`), {
      hint: source.hint ?? both('fix the JSON syntax', 'أصلح صياغة JSON'),
    });
  }
}

/** A JSON file as a value: bounded, strict UTF-8, BOM accepted, syntax and depth checked (see above). */
export async function readJsonFile(file: string, source: InputSource): Promise<unknown> {
  return parseJsonText(decodeUtf8(await readBoundedFile(file, source), source), source);
}
