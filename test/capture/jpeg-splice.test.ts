import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { drawHeader } from '../../electron/engine/capture/header';
import { SpliceUnsupported, spliceHeader } from '../../electron/engine/capture/jpeg-splice';

/** A page with text, edges and noise, so the scan uses many Huffman symbols and large coefficients. */
async function busyPage(width: number, height: number, jpeg: JpegOptions): Promise<Buffer> {
  const noise = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    noise[i] = (i / 3) % width < width / 3 ? seed & 0xff : 240;
  }
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect x="${width / 2}" y="10" width="${width / 3}" height="${height / 2}" fill="#1a1f71"/>
<text x="${width / 3 + 10}" y="40" font-size="22" font-family="DejaVu Sans" fill="#111">Pay 12.500 KWD · ادفع الآن</text></svg>`);
  return sharp(noise, { raw: { width, height, channels: 3 } })
    .composite([{ input: svg }])
    .jpeg(jpeg)
    .toBuffer();
}

async function rawHeader(width: number, height: number) {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<rect width="100%" height="100%" fill="#eef1f5"/><text x="14" y="30" font-size="16" font-family="DejaVu Sans Mono" fill="#111827">https://shop.test/checkout?ref=A1</text></svg>`);
  const { data, info } = await sharp(svg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 as const };
}

function rows(data: Buffer, width: number, from: number, to: number, channels = 3): Buffer {
  return data.subarray(from * width * channels, to * width * channels);
}

describe('JPEG header splice', () => {
  const cases: [string, number, number, JpegOptions][] = [
    ['4:2:0, fitted tables, odd width', 1283, 517, { quality: 82, optimiseCoding: true }],
    ['4:4:4, standard tables', 640, 301, { quality: 90, optimiseCoding: false, chromaSubsampling: '4:4:4' }],
    ['low quality 4:2:0', 800, 240, { quality: 35 }],
  ];
  for (const [name, width, height, options] of cases) {
    it(`keeps every page pixel and draws the header (${name})`, async () => {
      const page = await busyPage(width, height, options);
      const header = await rawHeader(width, 48);
      const out = spliceHeader({ page, header, fill: [0xee, 0xf1, 0xf5] });
      expect(out.headerHeight % 8).toBe(0);
      const before = await sharp(page).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const after = await sharp(out.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(after.info.width).toBe(width);
      expect(after.info.height).toBe(out.headerHeight + height);
      // The coefficients are copied, so the page decodes identically; only the first pixel rows may differ,
      // where the decoder's chroma upsampling now looks at the header row above.
      const skip = 2;
      expect(
        Buffer.compare(
          rows(after.data, width, out.headerHeight + skip, out.headerHeight + height),
          rows(before.data, width, skip, height),
        ),
      ).toBe(0);
      let diff = 0;
      for (let i = 0; i < header.data.length; i++) diff += Math.abs(header.data[i] - after.data[i]);
      expect(diff / header.data.length).toBeLessThan(8);
    });
  }

  it('handles a greyscale page', async () => {
    const page = await sharp(await busyPage(320, 200, { quality: 80 }))
      .toColourspace('b-w')
      .jpeg({ quality: 80 })
      .toBuffer();
    expect((await sharp(page).metadata()).channels).toBe(1);
    const out = spliceHeader({ page, header: await rawHeader(320, 40), fill: [255, 255, 255] });
    const meta = await sharp(out.data).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([320, out.headerHeight + 200, 1]);
    const before = await sharp(page).raw().toBuffer({ resolveWithObject: true });
    const after = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const ch = after.info.channels;
    expect(before.info.channels).toBe(ch);
    expect(
      Buffer.compare(
        rows(after.data, 320, out.headerHeight, out.headerHeight + 200, ch),
        rows(before.data, 320, 0, 200, ch),
      ),
    ).toBe(0);
  });

  it('fills a header height that is not whole MCU rows', async () => {
    const page = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } })
      .jpeg()
      .toBuffer();
    const out = spliceHeader({ page, header: await rawHeader(64, 20), fill: [255, 0, 0] });
    expect(out.headerHeight).toBe(32);
    const { data } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    const at = (30 * 64 + 32) * 3;
    expect(data[at]).toBeGreaterThan(200);
    expect(data[at + 1]).toBeLessThan(60);
  });

  it('refuses progressive JPEGs, restart intervals and a width mismatch', async () => {
    const progressive = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .jpeg({ progressive: true })
      .toBuffer();
    await expect(async () =>
      spliceHeader({ page: progressive, header: await rawHeader(64, 16), fill: [0, 0, 0] }),
    ).rejects.toThrow(SpliceUnsupported);
    const baseline = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const dri = Buffer.concat([
      baseline.subarray(0, 2),
      Buffer.from([0xff, 0xdd, 0x00, 0x04, 0x00, 0x04]),
      baseline.subarray(2),
    ]);
    await expect(async () =>
      spliceHeader({ page: dri, header: await rawHeader(64, 16), fill: [0, 0, 0] }),
    ).rejects.toThrow(/restart/);
    await expect(async () =>
      spliceHeader({ page: baseline, header: await rawHeader(60, 16), fill: [0, 0, 0] }),
    ).rejects.toThrow(/width/);
  });

  it('drawHeader splices baseline JPEGs and composites the rest', async () => {
    const info = {
      url: 'http://shop.test/a',
      capturedAt: new Date(),
      timeZone: 'UTC',
      scenarioId: 's',
      stepLabel: 'step 1/1',
    };
    const baseline = await busyPage(400, 120, { quality: 82 });
    const spliced = await drawHeader(baseline, 400, 120, info, 'jpeg', 82);
    expect(spliced.method).toBe('splice');
    const progressive = await sharp(baseline).jpeg({ progressive: true }).toBuffer();
    const composed = await drawHeader(progressive, 400, 120, info, 'jpeg', 82);
    expect(composed.method).toBe('composite');
    // Same layout either way: header rows then the page.
    expect(composed.height).toBe(spliced.height);
    expect((await sharp(composed.data).metadata()).height).toBe(composed.height);
  });
});
