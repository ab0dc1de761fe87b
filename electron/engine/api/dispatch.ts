import { z } from 'zod';
import { CONTRACT, isCallName, type ApiError, type ApiTable } from '../../../shared/api/contract';
import type { CallName } from '../../../shared/api/names';
import { CertkitError } from '../errors';

function issuePath(p: readonly PropertyKey[]): string {
  return p.length ? p.map(String).join('.') : 'input';
}

/** Parses a call's raw input against the contract; bad input is a CertkitError naming the field and the rule. */
export function parseInput(name: CallName, raw: unknown): unknown {
  const parsed = CONTRACT[name].input.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
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
  const input = parseInput(name, raw);
  const fn = table[name] as (input: unknown) => Promise<unknown>;
  return fn(input);
}

/** What crosses the transport when a call fails: message and fix, never a stack trace. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof CertkitError) return { message: err.message, hint: err.hint, code: 'certkit' };
  if (err instanceof z.ZodError)
    return { message: err.issues.map((i) => `${issuePath(i.path)}: ${i.message}`).join('; '), code: 'invalid' };
  return { message: err instanceof Error ? err.message : String(err), code: 'internal' };
}
