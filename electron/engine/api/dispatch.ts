import { z } from 'zod';
import { CONTRACT, isCallName, type ApiTable } from '../../../shared/api/contract';
import type { CallName } from '../../../shared/api/names';
import type { ApiError, CallReply } from '../../../shared/api/reply';
import { issueLine } from '../../../shared/schema/issue-text';
import { SECRET_FIELD_NAMES } from '../../../shared/schema/workspace';
import { both, type Bilingual } from '../../../shared/text';
import { CertkitError, diskWriteError } from '../errors';

function issuePath(p: readonly PropertyKey[]): string {
  return p.length ? p.map(String).join('.') : 'input';
}

function secretKey(keys: readonly string[]): string | undefined {
  return keys.find((k) => SECRET_FIELD_NAMES.includes(k));
}

/** A key the contract does not know that names a secret gets its own word: secrets go through secrets.set only. */
function secretKeyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const secret = secretKey(issue.keys);
  return secret
    ? `holds a secret ("${secret}"); secrets are never stored in the workspace, set them with secrets.set`
    : undefined;
}

/** The refusal of one issue in both languages; the secret-key word gets its Arabic here, where it is written. */
function refusalLine(name: CallName, issue: z.core.$ZodIssue | undefined): Bilingual {
  if (!issue) return both(`${name}: input is invalid`, `${name}: input غير صالح`);
  const line = issueLine(issue, `${name}: ${issuePath(issue.path)}`, ' ');
  const secret = issue.code === 'unrecognized_keys' ? secretKey(issue.keys) : undefined;
  return secret
    ? both(
        line.en,
        `${name}: ${issuePath(issue.path)} يحمل سرًّا ("${secret}")؛ والأسرار لا تُحفظ في مساحة العمل أبدًا، اضبطها بـ secrets.set`,
      )
    : line;
}

/** Parses a call's raw input against the contract; bad input is a CertkitError naming the field and the rule. */
export function parseInput<N extends CallName>(name: N, raw: unknown): z.output<(typeof CONTRACT)[N]['input']> {
  const parsed = CONTRACT[name].input.safeParse(raw ?? {}, { error: secretKeyMessage });
  if (parsed.success) return parsed.data as z.output<(typeof CONTRACT)[N]['input']>;
  throw new CertkitError(refusalLine(name, parsed.error.issues[0]), {
    hint: both(
      `send ${name} an input that matches its schema in shared/api/contract.ts`,
      `أرسل إلى ${name} مُدخلًا يطابق مخطّطه في shared/api/contract.ts`,
    ),
  });
}

/** The one path every transport takes: name check, input parse, call. */
export async function dispatch(table: ApiTable, name: string, raw: unknown): Promise<unknown> {
  if (!isCallName(name)) {
    throw new CertkitError(`unknown call "${name}"`, { hint: 'use a call named in shared/api/names.ts' });
  }
  const fn = table[name] as (input: unknown) => Promise<unknown>;
  return fn(parseInput(name, raw));
}

/** What crosses the transport when a call fails: message and fix, never a stack trace. */
export function toApiError(thrown: unknown): ApiError {
  const err = diskWriteError(thrown);
  if (err instanceof CertkitError)
    return {
      message: err.message,
      hint: err.hint,
      code: err.exitCode === 2 ? 'input' : 'state',
      ...(err.ar ? { ar: err.ar } : {}),
    };
  if (err instanceof z.ZodError)
    return { message: err.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join('; '), code: 'internal' };
  return { message: err instanceof Error ? err.message : String(err), code: 'internal' };
}

/** A call's reply envelope, as both transports send it: the value, or the error in the one shape. */
export async function callReply(table: ApiTable, name: string, raw: unknown): Promise<CallReply> {
  try {
    return { ok: true, value: await dispatch(table, name, raw) };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
