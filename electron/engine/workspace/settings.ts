import type { z } from 'zod';
import { SECRET_FIELD_NAMES, workspaceSchema, type Workspace } from '../../../shared/schema/workspace';
import { CertkitError } from '../errors';

// Setting one value of certkit.json by its dotted path (`certkit config`, `certkit init`'s options): the workspace
// schema says which paths exist and what each takes, so there is no second list of fields to keep in step.

type Kind = 'text' | 'url' | 'number' | 'boolean' | 'choice' | 'choices' | 'list';

interface Setting {
  key: string;
  kind: Kind;
  /** The values a choice (or each item of a list of choices) may take. */
  options?: string[];
  /** Left out of the file (or back to its default) when set to nothing. */
  clearable: boolean;
}

/** Fields set with their own command (or by editing the file), with what to use instead. */
const ELSEWHERE: Record<string, string> = {
  version: 'the format version is written by Certkit',
  flows: 'import a flow with `certkit import <workspace> <recording.json> --scenario ID`',
  confirmations: 'confirm a checkpoint with `certkit verify <workspace> --confirm ID --note "..."`',
  pins: 'pin a run with `certkit pin <workspace> --scenario ID --run RUN_ID`',
  customers: 'edit "customers" in certkit.json (a list of {email, phone, name}; docs/workspace.md)',
  extract: 'edit "extract" in certkit.json (a list of {field, selector, pattern}; docs/workspace.md)',
};

type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; element?: AnySchema; format?: string } };

function peel(schema: AnySchema): { inner: AnySchema; clearable: boolean } {
  let inner = schema;
  let clearable = false;
  while (inner.def.type === 'optional' || inner.def.type === 'default') {
    clearable = true;
    inner = inner.def.innerType!;
  }
  return { inner, clearable };
}

function leafKind(inner: AnySchema): { kind: Kind; options?: string[] } | undefined {
  const t = inner.def.type;
  if (t === 'enum') return { kind: 'choice', options: (inner as unknown as z.ZodEnum).options as string[] };
  if (t === 'number') return { kind: 'number' };
  if (t === 'boolean') return { kind: 'boolean' };
  if (t === 'string') return { kind: inner.def.format === 'url' ? 'url' : 'text' };
  if (t === 'array') {
    const item = peel(inner.def.element!).inner;
    if (item.def.type === 'enum')
      return { kind: 'choices', options: (item as unknown as z.ZodEnum).options as string[] };
    if (item.def.type === 'string') return { kind: 'list' };
  }
  return undefined;
}

function collect(schema: AnySchema, prefix: string, out: Map<string, Setting>): void {
  const { inner, clearable } = peel(schema);
  if (inner.def.type === 'object') {
    for (const [name, child] of Object.entries((inner as unknown as z.ZodObject).shape))
      if (!(name in ELSEWHERE)) collect(child as AnySchema, prefix ? `${prefix}.${name}` : name, out);
    return;
  }
  const leaf = leafKind(inner);
  if (leaf) out.set(prefix, { key: prefix, ...leaf, clearable });
}

const SETTINGS: Map<string, Setting> = (() => {
  const out = new Map<string, Setting>();
  collect(workspaceSchema as unknown as AnySchema, '', out);
  return out;
})();

/** Every dotted path `certkit config` can set, in the file's order. */
export function settableKeys(): string[] {
  return [...SETTINGS.keys()];
}

function describeValues(s: Setting): string {
  switch (s.kind) {
    case 'choice':
      return `one of ${s.options!.join(', ')}`;
    case 'choices':
      return `a comma-separated list of ${s.options!.join(', ')}`;
    case 'list':
      return 'a comma-separated list';
    case 'url':
      return 'an http(s) URL';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return 'text';
  }
}

/** `what` names the thing in errors: `store.baseUrl` for config, `--store-url` for init. */
function parseValue(s: Setting, raw: string, what: string): unknown {
  const bad = (extra = '') =>
    new CertkitError(`${what}: "${raw}" is not ${describeValues(s)}${extra}`, {
      hint: `give ${what} ${describeValues(s)}`,
    });
  switch (s.kind) {
    case 'number': {
      const n = Number(raw);
      if (!raw.trim() || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw bad();
    case 'choice':
      if (!s.options!.includes(raw)) throw bad();
      return raw;
    case 'choices': {
      const items = raw
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      const unknown = items.filter((v) => !s.options!.includes(v));
      if (unknown.length) throw bad(` (${unknown.map((u) => `"${u}"`).join(', ')} unknown)`);
      return items;
    }
    case 'list':
      return raw
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

function refuseSecret(key: string, what: string): void {
  const names = SECRET_FIELD_NAMES.map((n) => n.toLowerCase());
  if (key.split('.').some((part) => names.includes(part.toLowerCase()) || /phrase|secret|access_?code/i.test(part)))
    throw new CertkitError(`${what} would hold a secret, and secrets are never stored in the workspace`, {
      hint: 'give secrets through CERTKIT_ACCESS_CODE, CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE and CERTKIT_SHA_TYPE (the app keeps them in the OS keychain)',
    });
}

export interface SettingChange {
  key: string;
  /** The text given; an empty one clears an optional value (or puts a default back). */
  value: string;
  /** How the caller names it in errors (default: the key). */
  label?: string;
}

/**
 * The workspace with each change applied and the whole checked against the workspace schema. Errors name the key
 * (or the caller's label for it) and the values it takes; nothing is written here.
 */
export function applySettings(workspace: Workspace, changes: SettingChange[]): Workspace {
  const next = structuredClone(workspace) as Record<string, unknown>;
  for (const c of changes) {
    const what = c.label ?? c.key;
    refuseSecret(c.key, what);
    const top = c.key.split('.')[0];
    if (top in ELSEWHERE) throw new CertkitError(`${what} is not set with config`, { hint: ELSEWHERE[top] });
    const setting = SETTINGS.get(c.key);
    if (!setting)
      throw new CertkitError(`${what} is not a setting of certkit.json`, {
        hint: `settable keys: ${settableKeys().join(', ')}`,
      });
    const parts = c.key.split('.');
    let parent = next;
    for (const p of parts.slice(0, -1)) {
      if (typeof parent[p] !== 'object' || parent[p] === null) parent[p] = {};
      parent = parent[p] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1];
    if (c.value === '') {
      if (!setting.clearable)
        throw new CertkitError(`${what} cannot be empty`, { hint: `give ${what} ${describeValues(setting)}` });
      delete parent[leaf];
    } else parent[leaf] = parseValue(setting, c.value, what);
  }
  const parsed = workspaceSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.');
    const change = changes.find((c) => key === c.key || key.startsWith(`${c.key}.`));
    const setting = change ? SETTINGS.get(change.key) : undefined;
    const what = change ? (change.label ?? change.key) : key;
    throw new CertkitError(
      `${what}${change ? `="${change.value}"` : ''} is refused: ${issue.message}`,
      setting ? { hint: `give ${what} ${describeValues(setting)}` } : { hint: 'see docs/workspace.md' },
    );
  }
  return parsed.data;
}

/** A value as `certkit config` prints it back. */
export function settingText(workspace: Workspace, key: string): string {
  let v: unknown = workspace;
  for (const p of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[p];
  if (v === undefined) return '(not set)';
  return Array.isArray(v) ? v.join(',') : String(v);
}
