import sharp, { type OverlayOptions } from 'sharp';
import { escapeHtml } from '../../../shared/html';
import { SPLICE_ROW_MULTIPLE, SpliceUnsupported, spliceHeader } from './jpeg-splice';

export interface HeaderInfo {
  url: string;
  capturedAt: Date;
  timeZone: string;
  scenarioId: string;
  stepLabel: string;
  slot?: string;
  truncated?: boolean;
  /** A screen the engineer imported (`certkit attach`): the header says so in a band of its own, first. */
  imported?: { note?: string };
}

const URL_FONT_PX = 16;
const META_FONT_PX = 14;
// DejaVu Sans Mono advances 0.602 em per character; wrapping by count keeps the URL inside the image.
const MONO_ADVANCE = 0.602;
const PAD = 14;
const LINE_GAP = 6;
const HEADER_FILL: [number, number, number] = [0xee, 0xf1, 0xf5];
const HEADER_BACKGROUND = `rgb(${HEADER_FILL.join(',')})`;

export function wrapUrl(url: string, width: number): string[] {
  const perLine = Math.max(20, Math.floor((width - 2 * PAD - 40) / (URL_FONT_PX * MONO_ADVANCE)));
  const lines: string[] = [];
  for (let i = 0; i < url.length; i += perLine) lines.push(url.slice(i, i + perLine));
  return lines.length ? lines : [''];
}

/** "2026-11-27 23:05:12 UTC+03:00 (Asia/Riyadh)": the wall-clock time where the capture ran, with its zone. */
export function formatCaptureTime(at: Date, timeZone: string): { text: string; iso: string } {
  const offsetMin = -at.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const local = new Date(at.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
  return { text: `${local.replace('T', ' ')} UTC${offset} (${timeZone})`, iso: `${local}${offset}` };
}

const IMPORT_LINE = 22;
// Bold Noto Sans runs wider than the mono URL font; 0.62 em per character keeps the band's text inside the image.
const BAND_ADVANCE = 0.62;

/** The band's lines on an imported screen: who put it there, that Certkit did not capture it, and the note. */
function importLines(info: HeaderInfo, width: number): string[] {
  if (!info.imported) return [];
  const perLine = Math.max(16, Math.floor((width - 2 * PAD) / (META_FONT_PX * BAND_ADVANCE)));
  const fit = (t: string) => (t.length > perLine ? `${t.slice(0, perLine - 1)}…` : t);
  const lines = ['IMPORTED BY THE ENGINEER', 'not captured by Certkit'];
  if (info.imported.note) lines.push(info.imported.note);
  return lines.map(fit);
}

function importBand(lines: string[]): string {
  if (!lines.length) return '';
  const text = lines
    .map((l, i) => `<text x="${PAD}" y="${PAD / 2 + (i + 1) * IMPORT_LINE - 6}">${escapeHtml(l)}</text>`)
    .join('');
  return `<rect width="100%" height="${PAD + lines.length * IMPORT_LINE}" fill="#b45309"/>
<g font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="${META_FONT_PX}" font-weight="700" fill="#ffffff">${text}</g>`;
}

export function headerSvg(info: HeaderInfo, width: number): { svg: Buffer; height: number } {
  const urlLines = wrapUrl(info.url, width);
  const bandLines = importLines(info, width);
  const band = bandLines.length ? PAD + bandLines.length * IMPORT_LINE : 0;
  const urlTop = band + PAD + URL_FONT_PX;
  const metaTop = urlTop + (urlLines.length - 1) * (URL_FONT_PX + LINE_GAP) + LINE_GAP + META_FONT_PX + 6;
  // Whole JPEG MCU rows, so the header can be spliced above the page's compressed data.
  const height = Math.ceil((metaTop + PAD) / SPLICE_ROW_MULTIPLE) * SPLICE_ROW_MULTIPLE;
  const time = formatCaptureTime(info.capturedAt, info.timeZone).text;
  const meta = [
    time,
    `scenario ${info.scenarioId}`,
    info.stepLabel,
    ...(info.slot ? [`slot ${info.slot}`] : []),
    ...(info.truncated ? ['page cut at the height limit'] : []),
  ].join('  ·  ');
  const urlText = urlLines
    .map((line, i) => `<text x="${PAD + 34}" y="${urlTop + i * (URL_FONT_PX + LINE_GAP)}">${escapeHtml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="${HEADER_BACKGROUND}"/>
<rect x="0" y="${height - 2}" width="100%" height="2" fill="#9aa4b2"/>${importBand(bandLines)}
<g font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="11" font-weight="700" fill="#ffffff">
<rect x="${PAD}" y="${band + PAD + 1}" width="28" height="18" rx="4" fill="#2f5d9e"/><text x="${PAD + 4}" y="${band + PAD + 14}">URL</text></g>
<g font-family="DejaVu Sans Mono, Noto Sans Mono, monospace" font-size="${URL_FONT_PX}" font-weight="700" fill="#111827">${urlText}</g>
<text x="${PAD}" y="${metaTop}" font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="${META_FONT_PX}" fill="#374151">${escapeHtml(meta)}</text>
</svg>`;
  return { svg: Buffer.from(svg), height };
}

/**
 * Puts the header above the page image; the page pixels are not re-scaled. A JPEG page is not even decoded:
 * the header is spliced in front of its compressed data (a few times cheaper than decoding and re-encoding
 * a full page), with the decode-and-composite way kept for PNG and for JPEGs the splicer does not take.
 */
export async function drawHeader(
  image: Buffer,
  width: number,
  height: number,
  info: HeaderInfo,
  format: 'jpeg' | 'png',
  quality: number,
): Promise<{ data: Buffer; width: number; height: number; method: 'splice' | 'composite' }> {
  const header = headerSvg(info, width);
  if (format === 'jpeg') {
    const raw = await sharp(header.svg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    try {
      const spliced = spliceHeader({
        page: image,
        header: { data: raw.data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels as 3 },
        fill: HEADER_FILL,
      });
      return { data: spliced.data, width, height: spliced.headerHeight + height, method: 'splice' };
    } catch (err) {
      if (!(err instanceof SpliceUnsupported)) throw err;
    }
  }
  const total = header.height + height;
  const canvas = sharp({
    create: { width, height: total, channels: 3, background: '#ffffff' },
    limitInputPixels: false,
  }).composite([
    { input: header.svg, top: 0, left: 0 },
    { input: image, top: header.height, left: 0, limitInputPixels: false } as OverlayOptions,
  ]);
  const data =
    format === 'jpeg'
      ? await canvas.jpeg({ quality }).toBuffer()
      : await canvas.png({ compressionLevel: 6 }).toBuffer();
  return { data, width, height: total, method: 'composite' };
}
