import { PDFDocument, StandardFonts, rgb, type PDFEmbeddedPage, type PDFFont, type PDFPage } from 'pdf-lib';
import { escapeHtml } from '../../../shared/html';
import type { LazyChromium } from '../browser/lazy-browser';

// pdf-lib writes Latin text with the standard Helvetica (WinAnsi) and cannot shape Arabic. Any run of text outside
// WinAnsi is typeset by Chromium instead (all runs of one PDF in a single page.pdf call), cropped to its box and
// placed as a vector form: it stays real, selectable text with proper joining and right-to-left order.

const WIN_ANSI =
  /^[\x20-\x7E\xA0-\xFF\u20AC\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u017D\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u017E\u0178]*$/;

export function needsChromium(text: string): boolean {
  return !WIN_ANSI.test(text);
}

export interface TextRun {
  text: string;
  /** Left edge and baseline, in points from the bottom-left corner. */
  x: number;
  y: number;
  size: number;
  bold?: boolean;
  /** Width available; longer text is cut with an ellipsis (wrap before, see wrapText). */
  maxWidth: number;
  grey?: boolean;
}

export interface PageSpec {
  width: number;
  height: number;
  runs: TextRun[];
  rules?: { x1: number; y1: number; x2: number; y2: number }[];
  image?: { jpeg: Uint8Array; x: number; y: number; width: number; height: number };
}

export interface PdfInput {
  title: string;
  pages: PageSpec[];
  attachments?: { name: string; data: Uint8Array | string; mimeType: string; description: string }[];
  chromium: LazyChromium;
}

/** Splits text into lines that fit `maxWidth` at `size` in Helvetica (URLs break anywhere, prose at spaces). */
export function wrapText(
  text: string,
  size: number,
  maxWidth: number,
  font: Pick<PDFFont, 'widthOfTextAtSize'> | null,
  maxLines = 4,
): string[] {
  const width = (s: string) => (font && !needsChromium(s) ? font.widthOfTextAtSize(s, size) : s.length * size * 0.56);
  const lines: string[] = [];
  let rest = text;
  while (rest && lines.length < maxLines) {
    if (width(rest) <= maxWidth) {
      lines.push(rest);
      rest = '';
      break;
    }
    let lo = 1;
    let hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (width(rest.slice(0, mid)) <= maxWidth) lo = mid;
      else hi = mid - 1;
    }
    let cut = lo;
    const space = rest.lastIndexOf(' ', cut);
    if (!/^[a-z]+:\/\//i.test(rest) && space > cut * 0.6) cut = space + 1;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  if (rest && lines.length) lines[lines.length - 1] = `${lines[lines.length - 1].slice(0, -1)}…`;
  return lines;
}

export async function standardFonts(doc: PDFDocument): Promise<{ regular: PDFFont; bold: PDFFont }> {
  return {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
}

/** A throwaway document used only to measure Helvetica widths while laying pages out. */
export async function measuringFont(): Promise<PDFFont> {
  const doc = await PDFDocument.create();
  return doc.embedFont(StandardFonts.Helvetica);
}

async function typesetWithChromium(
  doc: PDFDocument,
  runs: TextRun[],
  chromium: LazyChromium,
): Promise<PDFEmbeddedPage[]> {
  const boxH = (r: TextRun) => Math.ceil(r.size * 1.6);
  const pageW = Math.ceil(Math.max(...runs.map((r) => r.maxWidth)));
  const pageH = Math.max(...runs.map(boxH));
  const body = runs
    .map(
      (r) =>
        `<div class="p"><div class="b" dir="auto" style="width:${r.maxWidth}pt;height:${boxH(r)}pt;line-height:${boxH(r)}pt;font-size:${r.size}pt;${r.bold ? 'font-weight:700;' : ''}${r.grey ? 'color:#555;' : ''}">${escapeHtml(r.text)}</div></div>`,
    )
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
@page{size:${pageW}pt ${pageH}pt;margin:0}
html,body{margin:0;padding:0}
.p{width:${pageW}pt;height:${pageH}pt;position:relative;overflow:hidden;break-after:page}
.b{position:absolute;left:0;top:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;
font-family:'Noto Sans','Noto Naskh Arabic','Noto Sans Arabic','Noto Kufi Arabic','DejaVu Sans',sans-serif;color:#111}
</style></head><body>${body}</body></html>`;
  const browser = await chromium.get();
  const page = await browser.newPage();
  try {
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const src = await PDFDocument.load(bytes);
    const srcPages = src.getPages();
    if (srcPages.length !== runs.length) {
      throw new Error(`Chromium laid out ${srcPages.length} text pages for ${runs.length} runs`);
    }
    const boxes = runs.map((r, i) => {
      const { height } = srcPages[i].getSize();
      return { left: 0, right: r.maxWidth, top: height, bottom: height - boxH(r) };
    });
    return await doc.embedPages(srcPages, boxes);
  } finally {
    await page.close().catch(() => undefined);
  }
}

export async function renderPdf(input: PdfInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(input.title);
  doc.setCreator('Certkit');
  doc.setProducer('Certkit (pdf-lib)');
  const fonts = await standardFonts(doc);
  // Captions repeat (the same Arabic method line, the same page title on every step): typeset each distinct run once.
  const keyOf = (r: TextRun) => JSON.stringify([r.text, r.size, !!r.bold, !!r.grey, r.maxWidth]);
  const unique = new Map<string, TextRun>();
  for (const p of input.pages)
    for (const r of p.runs) if (needsChromium(r.text) && !unique.has(keyOf(r))) unique.set(keyOf(r), r);
  const foreign = [...unique.values()];
  const forms = foreign.length ? await typesetWithChromium(doc, foreign, input.chromium) : [];
  const byKey = new Map<string, PDFEmbeddedPage>(foreign.map((r, i) => [keyOf(r), forms[i]]));
  for (const spec of input.pages) {
    const page: PDFPage = doc.addPage([spec.width, spec.height]);
    if (spec.image) {
      const img = await doc.embedJpg(spec.image.jpeg);
      page.drawImage(img, { x: spec.image.x, y: spec.image.y, width: spec.image.width, height: spec.image.height });
    }
    for (const r of spec.rules ?? []) {
      page.drawLine({
        start: { x: r.x1, y: r.y1 },
        end: { x: r.x2, y: r.y2 },
        thickness: 0.5,
        color: rgb(0.75, 0.75, 0.75),
      });
    }
    for (const run of spec.runs) {
      const form = needsChromium(run.text) ? byKey.get(keyOf(run)) : undefined;
      if (form) {
        const h = Math.ceil(run.size * 1.6);
        // Centre the Chromium box on where Helvetica's x-height would sit, so mixed lines share a baseline.
        page.drawPage(form, { x: run.x, y: run.y + run.size * 0.33 - h / 2 });
        continue;
      }
      const font = run.bold ? fonts.bold : fonts.regular;
      let text = run.text;
      if (font.widthOfTextAtSize(text, run.size) > run.maxWidth) {
        while (text.length > 1 && font.widthOfTextAtSize(`${text}…`, run.size) > run.maxWidth) text = text.slice(0, -1);
        text = `${text}…`;
      }
      page.drawText(text, {
        x: run.x,
        y: run.y,
        size: run.size,
        font,
        color: run.grey ? rgb(0.33, 0.33, 0.33) : rgb(0.07, 0.07, 0.07),
      });
    }
  }
  for (const a of input.attachments ?? []) {
    await doc.attach(typeof a.data === 'string' ? new TextEncoder().encode(a.data) : a.data, a.name, {
      mimeType: a.mimeType,
      description: a.description,
    });
  }
  // Object streams save a few KB and cost ten times the time on a 20 MB file of images.
  return doc.save({ useObjectStreams: false });
}
