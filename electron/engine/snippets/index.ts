import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { SCREENSHOT_SLOTS } from '../../../shared/aps/slots';
import { snippetSchema, type Snippet } from '../../../shared/schema/evidence';
import type { Env } from '../env';
import { both } from '../../../shared/text';
import { CertkitError, errnoCode, errorMessage } from '../errors';
import { escapeHtml } from '../../../shared/html';
import { LazyChromium } from '../browser/lazy-browser';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { highlightHtml } from './highlight';

// Layout: snippets/<slot>.<ext> holds the code as given, snippets/<slot>.jpg its rendered image (a preview for the
// app; the package renders again from the scrubbed code), snippets/index.json the list.
export const SNIPPETS_DIR = 'snippets';
const INDEX_FILE = 'index.json';
const MAX_CODE_CHARS = 20_000;
const EXT: Record<string, string> = {
  javascript: 'js',
  typescript: 'ts',
  swift: 'swift',
  kotlin: 'kt',
  java: 'java',
  dart: 'dart',
  objc: 'm',
  html: 'html',
};

export function snippetSlots(): string[] {
  return SCREENSHOT_SLOTS.filter((s) => s.kind === 'snippet').map((s) => s.id);
}

export async function listSnippets(workspaceDir: string): Promise<Snippet[]> {
  const file = path.join(workspaceDir, SNIPPETS_DIR, INDEX_FILE);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (err) {
    throw new CertkitError(`${file} is damaged: ${errorMessage(err)}`, {
      hint: 'add the snippets again with `certkit snippet` (or in the Evidence step)',
      exitCode: 1,
    });
  }
  if (!Array.isArray(list))
    throw new CertkitError(`${file} is damaged: it holds no list of snippets`, {
      hint: 'add the snippets again with `certkit snippet` (or in the Evidence step)',
      exitCode: 1,
    });
  return list.flatMap((x) => {
    const p = snippetSchema.safeParse(x);
    return p.success ? [p.data] : [];
  });
}

/** The image as a JPEG, rendered by Chromium from highlighted HTML. */
export async function renderSnippetImage(
  code: string,
  language: string,
  title: string,
  chromium: LazyChromium,
): Promise<Buffer> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#fff;font-family:'Noto Sans','DejaVu Sans',sans-serif}
.wrap{display:inline-block;min-width:720px;max-width:1400px;border:1px solid #d0d7de;margin:16px}
.bar{background:#f0f3f6;border-bottom:1px solid #d0d7de;padding:8px 14px;font-size:14px;color:#333}
pre{margin:0;padding:14px 16px;font:14px/1.5 'DejaVu Sans Mono','Noto Sans Mono',monospace;color:#1f2328;white-space:pre-wrap;word-break:break-all}
.k{color:#cf222e;font-weight:600}.s{color:#0a3069}.c{color:#6e7781;font-style:italic}.n{color:#0550ae}
</style></head><body><div class="wrap" id="w"><div class="bar">${escapeHtml(title)} &middot; ${escapeHtml(language)}</div><pre>${highlightHtml(code, language)}</pre></div></body></html>`;
  const browser = await chromium.get();
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1460, height: 200, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    const el = await page.$('#w');
    const shot = await el!.screenshot({ type: 'jpeg', quality: 90 });
    return Buffer.from(shot);
  } finally {
    // The image is taken or its error is on its way; a page that will not close goes with the browser.
    await page.close().catch(() => undefined);
  }
}

/**
 * Stores code the user picked or pasted for a snippet slot (Apple Pay networks/capabilities, tokenization code) and
 * renders its preview image. Adding again for the same slot replaces it.
 */
export async function addSnippet(
  workspaceDir: string,
  slot: string,
  code: string,
  language = 'javascript',
  /** Where to look for the browser that renders the preview (the caller's environment). */
  browserEnv?: Env,
): Promise<Snippet> {
  const slots = snippetSlots();
  if (!slots.includes(slot)) {
    throw new CertkitError(both(`"${slot}" is not a code-snippet slot`, `"${slot}" ليست خانة مقتطف شيفرة`), {
      hint: both(`use one of: ${slots.join(', ')}`, `استعمل واحدة من: ${slots.join('، ')}`),
    });
  }
  if (!code.trim())
    throw new CertkitError(both(`the code for ${slot} is empty`, `شيفرة ${slot} فارغة`), {
      hint: both('paste the code, or pick the file that holds it', 'الصق الشيفرة، أو اختر الملف الذي يحملها'),
    });
  if (code.length > MAX_CODE_CHARS) {
    throw new CertkitError(
      both(
        `the code for ${slot} has ${code.length} characters; a reviewer reads at most about ${MAX_CODE_CHARS}`,
        `في شيفرة ${slot} ${code.length} حرفًا، والمراجع يقرأ نحو ${MAX_CODE_CHARS} على الأكثر`,
      ),
      {
        hint: both(
          'keep only the part that shows what the checklist asks (the networks list, merchantCapabilities, the tokenization call)',
          'أبقِ الجزء الذي يُظهر ما تطلبه قائمة التحقق فقط (قائمة الشبكات، وmerchantCapabilities، واستدعاء الترميز)',
        ),
      },
    );
  }
  const lang = language.toLowerCase();
  const file = path.posix.join(SNIPPETS_DIR, `${slot}.${EXT[lang] ?? 'txt'}`);
  // The list is read and written back whole, so adding two snippets at once would keep only one: the files are
  // written under the workspace lock. The image is rendered first, so the lock is not held while Chromium works.
  const image = await renderImage(code, lang, slot, browserEnv);
  return withWorkspaceLock(workspaceDir, 'snippet', async () => {
    await writeFileAtomic(path.join(workspaceDir, file), code);
    await writeFileAtomic(path.join(workspaceDir, SNIPPETS_DIR, `${slot}.jpg`), image);
    const snippet: Snippet = { slot, language: lang, file, addedAt: new Date().toISOString() };
    const list = (await listSnippets(workspaceDir)).filter((s) => s.slot !== slot);
    await writeJsonAtomic(path.join(workspaceDir, SNIPPETS_DIR, INDEX_FILE), [...list, snippet]);
    return snippet;
  });
}

async function renderImage(code: string, lang: string, slot: string, browserEnv?: Env): Promise<Buffer> {
  const chromium = new LazyChromium({ env: browserEnv });
  try {
    return await renderSnippetImage(code, lang, CATALOG.slots.get(slot).checklistName, chromium);
  } finally {
    await chromium.close();
  }
}
