import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  SECRET_FIELD_NAMES,
  WORKSPACE_FILE,
  WORKSPACE_VERSION,
  workspaceSchema,
  type Workspace,
  type WorkspaceInput,
} from '../../../shared/schema/workspace';
import { CertkitError } from '../errors';
import { writeJsonAtomic } from '../util/atomic-write';
import { applySettings, type SettingChange } from './settings';

export function workspaceFile(dir: string): string {
  return path.join(dir, WORKSPACE_FILE);
}

function fieldPath(p: readonly PropertyKey[]): string {
  return p.length
    ? p
        .map((k) => (typeof k === 'number' ? `[${k}]` : String(k)))
        .join('.')
        .replace(/\.\[/g, '[')
    : '(top level)';
}

function findSecretField(value: unknown, trail: string[] = []): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_FIELD_NAMES.includes(k)) return [...trail, k].join('.');
    const inner = findSecretField(v, [...trail, k]);
    if (inner) return inner;
  }
  return undefined;
}

/** Validates raw JSON as a workspace; errors name the file, the field path and the fix. */
export function parseWorkspace(raw: unknown, file: string): Workspace {
  const secret = findSecretField(raw);
  if (secret) {
    throw new CertkitError(`${file}: field "${secret}" holds a secret, and secrets are never stored in the workspace`, {
      hint: 'remove it; give secrets through CERTKIT_ACCESS_CODE, CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE and CERTKIT_SHA_TYPE (the app keeps them in the OS keychain)',
    });
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > WORKSPACE_VERSION) {
    throw new CertkitError(
      `${file}: version ${version} was written by a newer Certkit (this one reads version ${WORKSPACE_VERSION})`,
      {
        hint: 'update Certkit, or open a copy of the workspace made with this version',
      },
    );
  }
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) throw workspaceIssueError(file, parsed.error);
  return parsed.data;
}

function workspaceIssueError(file: string, error: z.ZodError): CertkitError {
  const lines = error.issues.slice(0, 8).map((i) => `  ${fieldPath(i.path)}: ${i.message}`);
  const first = error.issues[0];
  return new CertkitError(`${file} is not a valid Certkit workspace:\n${lines.join('\n')}`, {
    hint: `edit field "${fieldPath(first?.path ?? [])}" in ${file} (the format is described in docs/workspace.md), or recreate it with \`certkit init\``,
  });
}

export async function loadWorkspace(dir: string): Promise<Workspace> {
  const file = workspaceFile(dir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertkitError(
      code === 'ENOENT'
        ? `No workspace at ${dir}: ${WORKSPACE_FILE} is missing`
        : `Cannot read ${file}: ${(err as Error).message}`,
      {
        hint: code === 'ENOENT' ? `create one with \`certkit init ${dir}\`` : 'check the file permissions',
        cause: err,
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CertkitError(`${file} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)',
      cause: err,
    });
  }
  return parseWorkspace(raw, file);
}

export async function saveWorkspace(dir: string, workspace: WorkspaceInput): Promise<Workspace> {
  const file = workspaceFile(dir);
  const valid = parseWorkspace(workspace, file);
  await writeJsonAtomic(file, valid);
  return valid;
}

export interface InitOptions {
  account?: string;
  methods?: Workspace['methods'];
  integrationTypes?: Workspace['integrationTypes'];
  features?: Partial<Workspace['features']>;
  overwrite?: boolean;
  extra?: Partial<WorkspaceInput>;
  /** Values set by dotted path (checked as `certkit config` checks them) before anything is written. */
  settings?: SettingChange[];
}

export async function initWorkspace(dir: string, options: InitOptions = {}): Promise<Workspace> {
  const file = workspaceFile(dir);
  if (!options.overwrite) {
    const exists = await fs.stat(file).then(
      () => true,
      () => false,
    );
    if (exists) {
      throw new CertkitError(`${file} already exists`, {
        hint: 'pick an empty folder, or edit the existing workspace',
      });
    }
  }
  const input: WorkspaceInput = {
    version: WORKSPACE_VERSION,
    account: { name: options.account ?? 'My Store', environment: 'sandbox' },
    integrationTypes: options.integrationTypes ?? ['hosted'],
    methods: options.methods ?? ['VISA', 'MASTERCARD', 'MADA'],
    features: { installments: false, savedCards: false, recurring: false, ...options.features },
    ...options.extra,
  };
  const workspace = applySettings(parseWorkspace(input, file), options.settings ?? []);
  await fs.mkdir(dir, { recursive: true });
  return saveWorkspace(dir, workspace);
}
