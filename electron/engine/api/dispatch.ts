import { z } from 'zod';
import { CONTRACT, isCallName, type ApiTable } from '../../../shared/api/contract';
import type { CallName } from '../../../shared/api/names';
import type { ApiError, CallReply } from '../../../shared/api/reply';
import { SECRET_FIELD_NAMES } from '../../../shared/schema/workspace';
import { CertkitError, diskWriteError } from '../errors';

function issuePath(p: readonly PropertyKey[]): string {
  return p.length ? p.map(String).join('.') : 'input';
}

/** A key the contract does not know that names a secret gets its own word: secrets go through secrets.set only. */
function secretKeyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const secret = issue.keys.find((k) => SECRET_FIELD_NAMES.includes(k));
  return secret
    ? `holds a secret ("${secret}"); secrets are never stored in the workspace, set them with secrets.set`
    : undefined;
}

/** Parses a call's raw input against the contract; bad input is a CertkitError naming the field and the rule. */
export function parseInput<N extends CallName>(name: N, raw: unknown): z.output<(typeof CONTRACT)[N]['input']> {
  const parsed = CONTRACT[name].input.safeParse(raw ?? {}, { error: secretKeyMessage });
  if (parsed.success) return parsed.data as z.output<(typeof CONTRACT)[N]['input']>;
  const first = parsed.error.issues[0];
  throw new CertkitError(`${name}: ${issuePath(first?.path ?? [])} ${first?.message ?? 'is invalid'}`, {
    hint: `send ${name} an input that matches its schema in shared/api/contract.ts`,
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
