import { both, verbatim, type Bilingual } from '../../shared/text';

/** A sentence for a person: plain English, or written in both of the app's languages (shared/text.ts). */
export type Said = string | Bilingual;

/** The English of a sentence: what the CLI prints. */
export function english(text: Said): string {
  return typeof text === 'string' ? text : text.en;
}

/** A sentence in both languages; a plain string (a path, a name) reads the same in each. */
export function inBoth(text: Said): Bilingual {
  return typeof text === 'string' ? verbatim(text) : text;
}

/**
 * An error the user can act on: names the thing that is wrong and what to do. `exitCode` follows the CLI
 * contract: 1 when the thing checked is not fine, 2 for bad input or usage. Written in both languages (a Bilingual
 * message and hint), `message` and `hint` stay the English the CLI prints and `ar` carries the Arabic the app shows.
 */
export class CertkitError extends Error {
  readonly exitCode: 1 | 2;
  readonly hint?: string;
  /** The Arabic of the message, and of the hint when it has one; absent when the message is English only. */
  readonly ar?: { message: string; hint?: string };

  constructor(message: Said, options: { hint?: Said; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(english(message), { cause: options.cause });
    this.name = 'CertkitError';
    this.exitCode = options.exitCode ?? 2;
    this.hint = options.hint === undefined ? undefined : english(options.hint);
    if (typeof message !== 'string')
      this.ar = {
        message: message.ar,
        ...(options.hint !== undefined && typeof options.hint !== 'string' ? { hint: options.hint.ar } : {}),
      };
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

/** What a person can do about each file-system refusal that is about the disk or the folder, not about Certkit. */
const PERMISSION_FIX = both(
  'give your user permission to read and write there, or choose a folder you own',
  'امنح مستخدمك صلاحية القراءة والكتابة هناك، أو اختر مجلدًا تملكه',
);
const DISK_REFUSALS: Record<string, { why: Bilingual; fix: Bilingual }> = {
  ENOSPC: {
    why: both('the disk is full', 'القرص ممتلئ'),
    fix: both(
      'free space on that disk (or write to another one), then run the command again',
      'أفرغ مساحة على ذلك القرص (أو اكتب على قرص آخر)، ثم أعد تنفيذ الأمر',
    ),
  },
  EDQUOT: {
    why: both('your disk quota is used up', 'استُنفدت حصتك من القرص'),
    fix: both(
      'remove files you no longer need (or write to another disk), then run the command again',
      'احذف ملفات لم تعد تحتاجها (أو اكتب على قرص آخر)، ثم أعد تنفيذ الأمر',
    ),
  },
  EACCES: { why: both('permission denied', 'الصلاحية مرفوضة'), fix: PERMISSION_FIX },
  EPERM: { why: both('the operation is not permitted', 'العملية غير مسموح بها'), fix: PERMISSION_FIX },
  EROFS: {
    why: both('the file system is read-only', 'نظام الملفات للقراءة فقط'),
    fix: both(
      'copy the workspace to a writable disk (or remount this one read-write) and run the command there',
      'انسخ مساحة العمل إلى قرص قابل للكتابة (أو أعد ربط هذا القرص للقراءة والكتابة) ونفّذ الأمر هناك',
    ),
  },
};

/**
 * A write refused by the disk (full, over quota, no permission, read-only) as a CertkitError naming the path and
 * the fix (exit code 2: the environment must change before the command can succeed). Anything else comes back as
 * it was. Every place that writes files passes its failures through here with the file it was writing; the CLI and
 * the app pass whatever else reaches them, named by the path the system call reported.
 */
export function diskWriteError(err: unknown, target?: string): unknown {
  if (err instanceof CertkitError) return err;
  const code = errnoCode(err);
  const refusal = code ? DISK_REFUSALS[code] : undefined;
  if (!refusal) return err;
  const reported = (err as NodeJS.ErrnoException).path;
  if (!target && !reported) return err;
  const syscall = (err as NodeJS.ErrnoException).syscall ?? 'access';
  const what = target
    ? both(`cannot write ${target}`, `تعذّرت الكتابة في ${target}`)
    : both(`${syscall} ${reported}`, `فشل ${syscall} على ${reported}`);
  return new CertkitError(both(`${what.en}: ${refusal.why.en} (${code})`, `${what.ar}: ${refusal.why.ar} (${code})`), {
    hint: refusal.fix,
    cause: err,
  });
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
