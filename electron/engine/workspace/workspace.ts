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
import { INPUT_LIMITS } from '../../../shared/limits';
import { issueLine } from '../../../shared/schema/issue-text';
import { both } from '../../../shared/text';
import { CertkitError, diskWriteError, errnoCode, errorMessage } from '../errors';
import { decodeUtf8, parseJsonText, readBoundedFile, type InputSource } from '../read-input';
import { ensureDir, writeJsonAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
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
    throw new CertkitError(
      both(
        `${file}: field "${secret}" holds a secret, and secrets are never stored in the workspace`,
        `${file}: الحقل "${secret}" يحمل سرًّا، والأسرار لا تُحفظ في مساحة العمل أبدًا`,
      ),
      {
        hint: both(
          'remove it; give secrets through CERTKIT_ACCESS_CODE, CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE and CERTKIT_SHA_TYPE (the app keeps them in the OS keychain)',
          'احذفه؛ وأعطِ الأسرار عبر CERTKIT_ACCESS_CODE وCERTKIT_SHA_REQUEST_PHRASE وCERTKIT_SHA_RESPONSE_PHRASE وCERTKIT_SHA_TYPE (ويحفظها التطبيق في سلسلة مفاتيح نظام التشغيل)',
        ),
      },
    );
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > WORKSPACE_VERSION) {
    throw new CertkitError(
      both(
        `${file}: version ${version} was written by a newer Certkit (this one reads version ${WORKSPACE_VERSION})`,
        `${file}: الإصدار ${version} كتبه Certkit أحدث (وهذا يقرأ الإصدار ${WORKSPACE_VERSION})`,
      ),
      {
        hint: both(
          'update Certkit, or open a copy of the workspace made with this version',
          'حدّث Certkit، أو افتح نسخة من مساحة العمل صُنعت بهذا الإصدار',
        ),
      },
    );
  }
  const parsed = workspaceSchema.safeParse(raw);
  if (!parsed.success) throw workspaceIssueError(file, parsed.error);
  return parsed.data;
}

function workspaceIssueError(file: string, error: z.ZodError): CertkitError {
  const lines = error.issues.slice(0, 8).map((i) => issueLine(i, `  ${fieldPath(i.path)}`));
  const first = error.issues[0];
  const field = fieldPath(first?.path ?? []);
  return new CertkitError(
    both(
      `${file} is not a valid Certkit workspace:\n${lines.map((l) => l.en).join('\n')}`,
      `${file} ليس مساحة عمل Certkit صالحة:\n${lines.map((l) => l.ar).join('\n')}`,
    ),
    {
      hint: both(
        `edit field "${field}" in ${file} (the format is described in docs/workspace.md), or recreate it with \`certkit init\``,
        `عدّل الحقل "${field}" في ${file} (الصيغة موصوفة في docs/workspace.md)، أو أعد إنشاءها بـ \`certkit init\``,
      ),
    },
  );
}

/** certkit.json as input: its size bound, and the fix for a file that is not UTF-8 JSON. */
export function workspaceSource(file: string): InputSource {
  return {
    what: file,
    maxBytes: INPUT_LIMITS.workspaceBytes,
    hint: both(
      `fix ${WORKSPACE_FILE} (the format is described in docs/workspace.md; a workspace is a few KB of UTF-8 JSON), or recreate it with \`certkit init\``,
      `أصلح ${WORKSPACE_FILE} (الصيغة موصوفة في docs/workspace.md؛ ومساحة العمل بضعة كيلوبايتات من JSON بترميز UTF-8)، أو أعد إنشاءها بـ \`certkit init\``,
    ),
  };
}

export async function loadWorkspace(dir: string): Promise<Workspace> {
  const file = workspaceFile(dir);
  let bytes: Buffer;
  try {
    bytes = await readBoundedFile(file, workspaceSource(file));
  } catch (err) {
    if (err instanceof CertkitError) throw err;
    const code = errnoCode(err);
    const why = code ?? errorMessage(err);
    throw new CertkitError(
      code === 'ENOENT'
        ? both(
            `No workspace at ${dir}: ${WORKSPACE_FILE} is missing`,
            `لا مساحة عمل في ${dir}: الملف ${WORKSPACE_FILE} غير موجود`,
          )
        : both(`Cannot read ${file}: ${why}`, `تعذّرت قراءة ${file}: ${why}`),
      {
        hint:
          code === 'ENOENT'
            ? both(`create one with \`certkit init ${dir}\``, `أنشئ واحدة بـ \`certkit init ${dir}\``)
            : both('check the file permissions', 'تحقّق من صلاحيات الملف'),
        cause: err,
      },
    );
  }
  const source = workspaceSource(file);
  return parseWorkspace(parseJsonText(decodeUtf8(bytes, source), source), file);
}

/**
 * Where certkit.json's bytes live: a symlinked certkit.json (kept in a dotfiles repo, shared between checkouts) is
 * written through, so the link stays a link and its target gets the new settings.
 */
async function workspaceTarget(file: string): Promise<string> {
  return fs.realpath(file).catch(() => file);
}

export async function saveWorkspace(dir: string, workspace: WorkspaceInput): Promise<Workspace> {
  const file = workspaceFile(dir);
  const valid = parseWorkspace(workspace, file);
  await withWorkspaceLock(dir, 'workspace save', async () => writeJsonAtomic(await workspaceTarget(file), valid));
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
      throw new CertkitError(both(`${file} already exists`, `${file} موجود من قبل`), {
        hint: both(
          'pick an empty folder, or edit the existing workspace',
          'اختر مجلدًا فارغًا، أو عدّل مساحة العمل الموجودة',
        ),
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
  await ensureDir(dir).catch((err: unknown) => {
    throw diskWriteError(err, dir);
  });
  return saveWorkspace(dir, workspace);
}
