import { scenarioStateText } from '../../../shared/schema/evidence';
import { PAYMENT_METHODS } from '../../../shared/aps/methods';
import type { PDFFont } from 'pdf-lib';
import type { ManifestContext, PartInfo, PackedImage } from './manifest';
import { wrapText, type PageSpec, type TextRun } from './pdf-writer';
import { runLine } from './manifest';
import { checklistHeading, checkpointTitle, draftHeading } from './statements';
import { checkStatusText } from '../../../shared/schema/verify';

// A4 width; pages grow downwards to fit a full-page screenshot at readable width rather than shrinking it to A4.
export const PAGE_W = 595;
const MARGIN = 28;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const COVER_H = 842;
// PDF viewers refuse pages taller than 14,400 pt; very tall captures are scaled to stay below it.
const MAX_PAGE_H = 14000;

const OUTCOME_AR = { success: 'عملية ناجحة', declined: 'عملية مرفوضة' } as const;

function fmtTime(iso: string, tz?: string): string {
  return tz ? `${iso} (${tz})` : iso;
}

export function coverPages(part: PartInfo, ctx: ManifestContext, font: PDFFont): PageSpec[] {
  const { workspace: ws, redact } = ctx;
  const pages: PageSpec[] = [];
  let page: PageSpec;
  let y = 0;
  const newPage = () => {
    page = { width: PAGE_W, height: COVER_H, runs: [], rules: [] };
    pages.push(page);
    y = COVER_H - MARGIN - 14;
  };
  const ensure = (h: number) => {
    if (y - h < MARGIN) newPage();
  };
  const line = (text: string, size = 10, opts: Partial<TextRun> = {}) => {
    ensure(size * 1.5);
    page.runs.push({ text: redact.text(text), x: MARGIN, y, size, maxWidth: CONTENT_W, ...opts });
    y -= size * 1.55;
  };
  const wrapped = (text: string, size: number, opts: Partial<TextRun> = {}, indent = '    ') => {
    for (const [i, l] of wrapText(text, size, CONTENT_W, font, 4).entries()) line(i ? `${indent}${l}` : l, size, opts);
  };
  newPage();
  if (ctx.draft) {
    line(draftHeading(ctx.blockers), 14, { bold: true });
    for (const b of ctx.blockers.slice(0, 12)) wrapped(`- ${b.message}`, 9);
    if (ctx.blockers.length > 12) line(`... and ${ctx.blockers.length - 12} more (see the report)`, 9);
    y -= 6;
  }
  line('Amazon Payment Services: go-live certification evidence', 16, { bold: true });
  line(part.file.title + (part.parts > 1 ? ` (part ${part.part} of ${part.parts})` : ''), 12, { bold: true });
  y -= 4;
  line(`Account: ${ws.account.name}`, 11);
  if (ws.account.merchantIdentifier) line(`Merchant identifier: ${ws.account.merchantIdentifier}`, 10);
  line(
    `Environment: ${ws.account.environment}    Date: ${ctx.generatedAt.toISOString().slice(0, 10)}    Screenshots in this file: ${part.images.length}`,
    10,
  );
  line(`File: ${part.fileName}`, 9, { grey: true });
  y -= 8;
  line('Test scenarios', 12, { bold: true });
  const cols = [
    { title: 'Scenario', w: 172 },
    { title: 'Status', w: 42 },
    { title: 'Merchant reference', w: 108 },
    { title: 'fort_id', w: 100 },
    { title: 'Agreement id', w: CONTENT_W - 422 },
  ];
  /** One table row; `sub` is a small grey line under its cells, above the row's rule. */
  const row = (cells: string[], bold = false, size = 8.5, sub?: string) => {
    const subSize = 7;
    ensure(size * 1.7 + (sub ? subSize * 1.5 : 0));
    let x = MARGIN;
    cells.forEach((c, i) => {
      page.runs.push({ text: redact.text(c), x, y, size, bold, maxWidth: cols[i].w - 4 });
      x += cols[i].w;
    });
    if (sub) {
      y -= subSize * 1.45;
      page.runs.push({ text: redact.text(sub), x: MARGIN + 8, y, size: subSize, grey: true, maxWidth: CONTENT_W - 8 });
    }
    page.rules!.push({ x1: MARGIN, y1: y - size * 0.55, x2: PAGE_W - MARGIN, y2: y - size * 0.55 });
    y -= size * 1.75;
  };
  row(
    cols.map((c) => c.title),
    true,
  );
  for (const s of part.file.scenarios) {
    const label = PAYMENT_METHODS[s.method].languages.length > 1 ? `${s.title}` : s.title;
    const v = s.ledger;
    row(
      [label, scenarioStateText(s.status), v.merchant_reference ?? '-', v.fort_id ?? '-', v.agreement_id ?? '-'],
      false,
      8.5,
      s.runId ? `evidence: ${runLine(s)}` : undefined,
    );
    if (v.knet_ref_number || v.third_party_transaction_number) {
      row([
        `   knet_ref_number ${v.knet_ref_number ?? '-'}`,
        '',
        `third_party_txn ${v.third_party_transaction_number ?? '-'}`,
        '',
        '',
      ]);
    }
  }
  y -= 8;
  line('Verification checklist', 12, { bold: true });
  // Measured in the regular face, so drawn in it: a bold line would overrun the width it was wrapped to.
  wrapped(checklistHeading(ctx.checks, ctx.verification), 9.5);
  for (const c of ctx.checks ?? []) {
    wrapped(`${checkStatusText(c.status).toUpperCase()}  ${checkpointTitle(c.checkpointId)}: ${c.summary}`, 9);
  }
  if (part.part === 1 && part.file.missing.length) {
    y -= 8;
    line('Not yet captured', 12, { bold: true });
    for (const m of part.file.missing) line(`- ${m}`, 9);
  }
  return pages;
}

export function captionLines(img: PackedImage): { text: string; size: number; bold?: boolean; grey?: boolean }[] {
  const e = img.entry;
  const lines: { text: string; size: number; bold?: boolean; grey?: boolean }[] = [];
  const method = e.method ? PAYMENT_METHODS[e.method] : undefined;
  lines.push({ text: `${e.scenarioTitle}${e.scenarioId ? `  [${e.scenarioId}]` : ''}`, size: 11, bold: true });
  const lang = e.kind === 'snippet' ? `   Code: ${e.snippetLanguage ?? 'javascript'}` : `   Language: ${e.language}`;
  lines.push({
    text: `Slot: ${e.slotName}${e.slot ? ` (${e.slot})` : ''}${method ? `   Method: ${method.label}` : ''}${e.outcome ? `   Outcome: ${e.outcome}` : ''}${lang}`,
    size: 9,
  });
  if (e.language === 'ar' && method && e.outcome) {
    lines.push({ text: `${method.labelAr} - ${OUTCOME_AR[e.outcome]}`, size: 10 });
  }
  if (e.url) lines.push({ text: `URL: ${e.url}`, size: 9 });
  if (e.kind === 'page') {
    lines.push({
      text: `Merchant reference: ${e.ledger?.merchant_reference ?? '-'}   fort_id: ${e.ledger?.fort_id ?? '-'}${e.ledger?.agreement_id ? `   Agreement id: ${e.ledger.agreement_id}` : ''}`,
      size: 9,
    });
    lines.push({ text: `Captured: ${fmtTime(e.capturedAt, e.timeZone)}`, size: 9, grey: true });
    if (e.pageTitle) lines.push({ text: `Page title: ${e.pageTitle}`, size: 9, grey: true });
  } else {
    lines.push({ text: `Code supplied ${e.capturedAt}`, size: 9, grey: true });
  }
  return lines;
}

export function screenshotPage(img: PackedImage, redact: ManifestContext['redact'], font: PDFFont): PageSpec {
  const raw = captionLines(img);
  const lines = raw.flatMap((l) => {
    const text = redact.text(l.text);
    return wrapText(text, l.size, CONTENT_W, font, l.text.startsWith('URL:') ? 4 : 2).map((t) => ({ ...l, text: t }));
  });
  const captionH = lines.reduce((h, l) => h + l.size * 1.5, 0) + 10;
  let w = CONTENT_W;
  let h = (img.height / img.width) * w;
  const room = MAX_PAGE_H - captionH - 3 * MARGIN;
  if (h > room) {
    w = (w * room) / h;
    h = room;
  }
  const height = Math.ceil(MARGIN + captionH + h + MARGIN);
  let y = height - MARGIN - 11;
  const runs: TextRun[] = lines.map((l) => {
    const run: TextRun = { text: l.text, x: MARGIN, y, size: l.size, bold: l.bold, grey: l.grey, maxWidth: CONTENT_W };
    y -= l.size * 1.5;
    return run;
  });
  const imgTop = height - MARGIN - captionH;
  return {
    width: PAGE_W,
    height,
    runs,
    rules: [{ x1: MARGIN, y1: imgTop + 4, x2: PAGE_W - MARGIN, y2: imgTop + 4 }],
    image: { jpeg: img.jpeg, x: MARGIN + (CONTENT_W - w) / 2, y: imgTop - h, width: w, height: h },
  };
}
