import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITS, MB } from '../../../shared/limits';
import type { CheckResult } from '../../../shared/schema/verify';
import type { Blocker } from '../../../shared/schema/signoff';
import type { Env } from '../env';
import { both } from '../../../shared/text';
import { CertkitError, errnoCode, errorMessage } from '../errors';
import { collectEvidence, packageDir, type CollectedEvidence } from '../evidence/store';
import { renderSnippetImage, listSnippets } from '../snippets/index';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { loadWorkspace } from '../workspace/workspace';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { writeReport } from './report';
import { AS_CAPTURED, chooseLevel, encodeAt, imageSize, mapLimit, FLOOR } from './budget';
import { LazyChromium } from '../browser/lazy-browser';
import { manifestJson, manifestText, type ManifestContext, type PackedImage, type PartInfo } from './manifest';
import { coverPages, screenshotPage } from './pdf-layout';
import { measuringFont, needsChromium, renderPdf } from './pdf-writer';
import { planPackage, type PackagePlan, type PlannedFile } from './plan';
import { createRedactor, type Redactor } from '../redact/index';
import { createStaging, PACKAGE_INDEX, recoverPackageDir, assertReplaceable, swapIn } from './swap';
import { zipBytes } from './zip-writer';

export { planPackage } from './plan';
export type { PackagePlan, PlannedFile, PlannedEntry, PlannedScenario } from './plan';
export { FLOOR, LEVELS } from './budget';

export type PackageFormat = 'zip' | 'pdf' | 'both';

export interface PackageOptions {
  /** The package folder (replaced as a whole). Default: <workspace>/output/package. */
  outDir?: string;
  maxMb?: number;
  format?: PackageFormat;
  /** Secret values to scrub from every output (the CLI reads them from CERTKIT_*, the app from its store). */
  secrets?: MerchantSecrets;
  /** The checkpoints as last verified (with the response probes they include); without them: "not verified". */
  checks?: CheckResult[];
  /** When those results were decided, and when the probes they include were sent. */
  verification?: { verifiedAt: string; probedAt?: string };
  /** A draft: file names start with DRAFT_, and the cover, manifest and report list what blocks sign-off. */
  draft?: boolean;
  /** What blocks sign-off now, stated in a draft's manifest and report. */
  blockers?: Blocker[];
  /** Where to look for the browser that renders Arabic captions and code snippets (the caller's environment). */
  browserEnv?: Env;
  onProgress?: (msg: string) => void;
}

export interface PackageFile {
  path: string;
  bytes: number;
  format: 'zip' | 'pdf';
  group: string;
  parts: number;
  /** JPEG quality the screenshots were re-encoded at (absent: as captured). */
  quality?: number;
  scaled?: boolean;
}

export interface PackageResult {
  outDir: string;
  files: PackageFile[];
  reportPath: string;
  warnings: string[];
  draft: boolean;
}

/** What a package was built on: each scenario's run and each checkpoint's status. A change makes it out of date. */
export interface PackageBasis {
  evidence: Record<string, string>;
  checks: Record<string, string>;
}

export function packageBasis(evidence: CollectedEvidence, checks: CheckResult[] | undefined): PackageBasis {
  const ids = [...evidence.byScenario.keys()].sort();
  return {
    evidence: Object.fromEntries(ids.map((id) => [id, evidence.byScenario.get(id)!.runId])),
    checks: Object.fromEntries((checks ?? []).map((c) => [c.checkpointId, c.status])),
  };
}

export const DRAFT_PREFIX = 'DRAFT_';

interface SourceImage {
  entry: PlannedFile['entries'][number];
  data: Buffer;
  width: number;
  height: number;
}

function ledgerIds(evidence: CollectedEvidence): string[] {
  const ids: string[] = [];
  for (const ev of evidence.byScenario.values()) {
    const v = ev.ledger.values;
    ids.push(
      ...[
        v.merchant_reference,
        v.fort_id,
        v.agreement_id,
        v.token_name,
        v.knet_ref_number,
        v.third_party_transaction_number,
      ].filter((x): x is string => !!x),
    );
  }
  return ids;
}

async function loadImages(
  workspaceDir: string,
  file: PlannedFile,
  chromium: LazyChromium,
  redact: Redactor,
  warnings: string[],
): Promise<SourceImage[]> {
  const out = await mapLimit(file.entries, 2, async (entry): Promise<SourceImage | undefined> => {
    const abs = path.join(workspaceDir, entry.source);
    let data: Buffer;
    try {
      if (entry.kind === 'snippet') {
        const code = redact.text(await fs.readFile(abs, 'utf8'));
        data = await renderSnippetImage(code, entry.snippetLanguage ?? 'javascript', entry.slotName, chromium);
      } else {
        data = await fs.readFile(abs);
      }
    } catch (err) {
      warnings.push(`${entry.name}: cannot read ${entry.source} (${errorMessage(err)}); left out`);
      return undefined;
    }
    try {
      return { entry, data, ...(await imageSize(data)) };
    } catch (err) {
      warnings.push(`${entry.name}: ${entry.source} is not a readable image (${errorMessage(err)}); left out`);
      return undefined;
    }
  });
  return out.filter((x): x is SourceImage => !!x);
}

function partName(file: PlannedFile, part: number, parts: number, ext: string): string {
  return parts > 1 ? `${file.baseName}_part${part}of${parts}.${ext}` : `${file.baseName}.${ext}`;
}

/** Bytes a file adds per image beyond the image itself, and once per file; generous on purpose (it only seeds the split). */
function overhead(fmt: 'zip' | 'pdf', img: PackedImage): number {
  return fmt === 'zip' ? 2 * img.entry.name.length + 700 : 4000 + (img.entry.language === 'ar' ? 3000 : 0);
}
function fixedOverhead(fmt: 'zip' | 'pdf', images: PackedImage[]): number {
  const chromiumText = images.some(
    (i) => i.entry.language === 'ar' || needsChromium(`${i.entry.url}${i.entry.pageTitle}`),
  );
  return fmt === 'zip' ? 32 * 1024 : 96 * 1024 + (chromiumText ? 400 * 1024 : 0);
}

function greedy(images: PackedImage[], budget: number, cost: (i: PackedImage) => number): PackedImage[][] {
  const groups: PackedImage[][] = [];
  let current: PackedImage[] = [];
  let used = 0;
  for (const img of images) {
    const c = cost(img);
    if (current.length && used + c > budget) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(img);
    used += c;
  }
  if (current.length) groups.push(current);
  return groups;
}

interface BuildCtx {
  staging: string;
  limit: number;
  manifest: ManifestContext;
  chromium: LazyChromium;
  font: Awaited<ReturnType<typeof measuringFont>>;
  warnings: string[];
  log: (m: string) => void;
}

async function buildBytes(fmt: 'zip' | 'pdf', info: PartInfo, ctx: BuildCtx): Promise<Uint8Array> {
  const json = manifestJson(info, ctx.manifest);
  const text = manifestText(info, ctx.manifest);
  if (fmt === 'zip') {
    return zipBytes([
      { name: 'manifest.json', data: json },
      { name: 'manifest.txt', data: text },
      ...info.images.map((i) => ({ name: i.entry.name, data: i.jpeg, date: new Date(i.entry.capturedAt) })),
    ]);
  }
  const pages = [
    ...coverPages(info, ctx.manifest, ctx.font),
    ...info.images.map((i) => screenshotPage(i, ctx.manifest.redact, ctx.font)),
  ];
  return renderPdf({
    title: `${info.file.title} - ${ctx.manifest.workspace.account.name}`,
    pages,
    chromium: ctx.chromium,
    attachments: [
      { name: 'manifest.json', data: json, mimeType: 'application/json', description: 'Machine-readable manifest' },
      { name: 'manifest.txt', data: text, mimeType: 'text/plain', description: 'Readable summary' },
    ],
  });
}

/** A single capture larger than the whole limit: shrink it under the floor, and say so. */
async function shrinkAlone(img: PackedImage, limit: number, warnings: string[]): Promise<PackedImage> {
  const factor = Math.max(0.2, Math.sqrt((limit * 0.7) / img.jpeg.length));
  const enc = await encodeAt(img.jpeg, img, { quality: 40, scale: factor }, 0);
  warnings.push(
    `${img.entry.name}: one capture alone exceeds the limit; shrunk to ${enc.width} px wide (below the legibility floor of ${FLOOR.minWidth} px), check that its URL is readable`,
  );
  return { ...img, ...enc };
}

async function writeParts(
  fmt: 'zip' | 'pdf',
  file: PlannedFile,
  images: PackedImage[],
  ctx: BuildCtx,
): Promise<{ name: string; bytes: number }[]> {
  let groups = greedy(images, ctx.limit * 0.97 - fixedOverhead(fmt, images), (i) => i.jpeg.length + overhead(fmt, i));
  for (let attempt = 0; attempt < 12; attempt++) {
    const written: { name: string; bytes: number }[] = [];
    let retry = false;
    for (let i = 0; i < groups.length && !retry; i++) {
      const fileName = partName(file, i + 1, groups.length, fmt);
      const bytes = await buildBytes(
        fmt,
        { file, part: i + 1, parts: groups.length, images: groups[i], fileName },
        ctx,
      );
      if (bytes.length > ctx.limit) {
        // Measured over the limit: split this part in two (or shrink a lone image) and build again.
        const g = groups[i];
        const replacement =
          g.length > 1
            ? [g.slice(0, Math.ceil(g.length / 2)), g.slice(Math.ceil(g.length / 2))]
            : [[await shrinkAlone(g[0], ctx.limit, ctx.warnings)]];
        groups = [...groups.slice(0, i), ...replacement, ...groups.slice(i + 1)];
        retry = true;
        break;
      }
      await writeFileAtomic(path.join(ctx.staging, fileName), bytes);
      written.push({ name: fileName, bytes: bytes.length });
      ctx.log(`wrote ${fileName} (${(bytes.length / MB).toFixed(2)} MB)`);
    }
    if (!retry) return written;
    for (const w of written) await fs.rm(path.join(ctx.staging, w.name), { force: true });
  }
  const parts = (ctx.limit / MB).toFixed(1);
  throw new CertkitError(
    both(
      `could not fit ${file.baseName}.${fmt} into ${parts} MB parts`,
      `تعذّر تقسيم ${file.baseName}.${fmt} إلى أجزاء من ${parts} ميغابايت`,
    ),
    {
      hint: both(
        'raise --max-mb, or capture fewer or smaller screenshots',
        'ارفع --max-mb، أو التقط لقطات شاشة أقل أو أصغر',
      ),
    },
  );
}

export async function buildPackage(workspaceDir: string, options: PackageOptions = {}): Promise<PackageResult> {
  return withWorkspaceLock(workspaceDir, 'package', () => buildLocked(workspaceDir, options));
}

async function buildLocked(workspaceDir: string, options: PackageOptions): Promise<PackageResult> {
  const log = options.onProgress ?? (() => undefined);
  const ws = await loadWorkspace(workspaceDir);
  const maxMb = options.maxMb ?? ws.package.maxMb;
  const bounds = LIMITS.packageMb;
  if (!Number.isFinite(maxMb) || maxMb < bounds.min || maxMb > bounds.max) {
    throw new CertkitError(`package size limit ${maxMb} MB is out of range`, {
      hint: `use a limit between ${bounds.min} and ${bounds.max} MB (APS accepts at most ${bounds.default} MB per file)`,
    });
  }
  const format = options.format ?? 'both';
  if (!['zip', 'pdf', 'both'].includes(format)) {
    throw new CertkitError(`package format "${format}" is not known`, { hint: 'use zip, pdf or both' });
  }
  const formats: ('zip' | 'pdf')[] = format === 'both' ? ['zip', 'pdf'] : [format];
  const limit = Math.floor(maxMb * MB);
  const outDir = path.resolve(options.outDir ?? packageDir(workspaceDir));
  await recoverPackageDir(outDir);
  await assertReplaceable(outDir);

  const evidence = await collectEvidence(workspaceDir, { pins: ws.pins ?? {} });
  const snippets = await listSnippets(workspaceDir);
  const draft = !!options.draft;
  const planned: PackagePlan = planPackage(ws, evidence, { snippets });
  if (!planned.files.some((f) => f.entries.length)) {
    throw new CertkitError(
      both(
        'nothing captured yet: there is no screenshot or code snippet to package',
        'لم يُلتقط شيء بعد: لا لقطة شاشة ولا مقتطف شيفرة لتحزيمه',
      ),
      {
        hint: both(
          'run the scenarios first (certkit run <workspace>), then build the package',
          'شغّل السيناريوهات أولًا (certkit run <workspace>)، ثم ابنِ الحزمة',
        ),
        exitCode: 1,
      },
    );
  }
  const plan: PackagePlan = draft
    ? { files: planned.files.map((f) => ({ ...f, baseName: `${DRAFT_PREFIX}${f.baseName}` })) }
    : planned;
  const redact = createRedactor(secretValues(options.secrets ?? {}), ledgerIds(evidence));
  const chromium = new LazyChromium({ path: ws.browser.path, env: options.browserEnv });
  const warnings: string[] = [];
  const staging = await createStaging(outDir);
  const ctx: BuildCtx = {
    staging,
    limit,
    chromium,
    warnings,
    log,
    font: await measuringFont(),
    manifest: {
      workspace: ws,
      generatedAt: new Date(),
      checks: options.checks,
      verification: options.verification,
      draft,
      blockers: options.blockers ?? [],
      redact,
    },
  };
  // Start the browser early, in parallel with the first files, when some text or snippet will need it.
  const needsBrowser = plan.files.some((f) =>
    f.entries.some(
      (e) =>
        e.kind === 'snippet' ||
        (formats.includes('pdf') && (e.language === 'ar' || needsChromium(`${e.url}${e.pageTitle}${e.scenarioTitle}`))),
    ),
  );
  // Only a head start: a browser that fails to start fails again, with its reason, where a page needs it.
  if (needsBrowser) chromium.get().catch(() => undefined);
  const files: PackageFile[] = [];
  try {
    for (const file of plan.files) {
      if (!file.entries.length) {
        warnings.push(`${file.title}: nothing captured yet, no file written`);
        continue;
      }
      log(`packing ${file.title} (${file.entries.length} images)`);
      const sources = await loadImages(workspaceDir, file, chromium, redact, warnings);
      if (!sources.length) continue;
      const asIs: PackedImage[] = sources.map((s) => ({
        entry: s.entry,
        jpeg: s.data,
        width: s.width,
        height: s.height,
        scaled: false,
      }));
      const worstFixed = Math.max(...formats.map((f) => fixedOverhead(f, asIs)));
      const perImage = Math.max(...formats.map((f) => asIs.reduce((n, i) => n + overhead(f, i), 0)));
      const level = await chooseLevel(sources, limit * 0.97 - worstFixed - perImage);
      const needsEncode = level !== AS_CAPTURED || sources.some((s) => !(s.data[0] === 0xff && s.data[1] === 0xd8));
      const packed = needsEncode
        ? await mapLimit(sources, 2, async (s) => ({ entry: s.entry, ...(await encodeAt(s.data, s, level)) }))
        : asIs;
      if (level !== AS_CAPTURED) {
        warnings.push(
          `${file.baseName}: screenshots re-encoded at JPEG quality ${level.quality}${level.scale < 1 ? ` and downscaled to ${Math.round(level.scale * 100)}% width` : ''} to fit ${maxMb} MB`,
        );
      }
      // zip and pdf of one group are built side by side: one waits on the disk while the other lays out pages.
      const perFormat = await Promise.all(formats.map((fmt) => writeParts(fmt, file, packed, ctx)));
      for (const [fi, fmt] of formats.entries()) {
        const written = perFormat[fi];
        if (written.length > 1)
          warnings.push(
            `${file.baseName}.${fmt} is over ${maxMb} MB even at the quality floor; split into ${written.length} numbered parts`,
          );
        for (const w of written) {
          files.push({
            path: path.join(outDir, w.name),
            bytes: w.bytes,
            format: fmt,
            group: file.group,
            parts: written.length,
            ...(level.quality ? { quality: level.quality } : {}),
            ...(level.scale < 1 ? { scaled: true } : {}),
          });
        }
      }
    }
    log('writing the report');
    const reportPath = await writeReport({
      workspaceDir,
      workspace: ws,
      plan,
      evidence,
      checks: options.checks,
      verification: options.verification,
      draft,
      blockers: options.blockers ?? [],
      redact,
      stagingDir: path.join(staging, 'report'),
      finalDir: path.join(outDir, 'report'),
      files: files.map((f) => ({ ...f, name: path.basename(f.path) })),
    });
    await writeJsonAtomic(path.join(staging, PACKAGE_INDEX), {
      generatedAt: ctx.manifest.generatedAt.toISOString(),
      account: ws.account.name,
      maxMb,
      format,
      checklist: options.checks ? 'verified' : 'not verified',
      draft,
      basis: packageBasis(evidence, options.checks),
      files: files.map((f) => ({ ...f, path: path.basename(f.path) })),
      warnings: warnings.map((w) => redact.text(w)),
    });
    await swapIn(staging, outDir);
    return { outDir, files, reportPath, warnings, draft };
  } catch (err) {
    // Writers still finishing can add a file while the folder goes (ENOTEMPTY): retried, and never allowed to
    // replace the error that stopped the build. A folder left anyway is removed at the next start (dead owner).
    await fs.rm(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch((cleanup: unknown) => {
      if (!(cleanup instanceof Error)) throw cleanup;
    });
    throw err;
  } finally {
    await chromium.close();
  }
}

/** The package currently on disk (after repairing an interrupted swap), or undefined when none was built. */
export async function readPackageIndex(dir: string): Promise<
  | {
      files: (Omit<PackageFile, 'path'> & { path: string })[];
      warnings: string[];
      checklist: string;
      /** Absent in packages built before drafts existed: those were built without a sign-off check. */
      draft?: boolean;
      basis?: PackageBasis;
    }
  | undefined
> {
  await recoverPackageDir(dir);
  const file = path.join(dir, PACKAGE_INDEX);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  let idx;
  try {
    idx = JSON.parse(raw);
  } catch (err) {
    idx = undefined;
    if (!(err instanceof SyntaxError)) throw err;
  }
  // Written atomically with the package, so a damaged index means the folder was changed by hand.
  if (!Array.isArray(idx?.files))
    throw new CertkitError(
      both(
        `${file} is damaged, so the package in ${dir} cannot be trusted`,
        `${file} تالف، فلا يُوثق بالحزمة في ${dir}`,
      ),
      { hint: both('build the package again', 'ابنِ الحزمة من جديد'), exitCode: 1 },
    );
  return { ...idx, files: idx.files.map((f: PackageFile) => ({ ...f, path: path.join(dir, f.path) })) };
}
