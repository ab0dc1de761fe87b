import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPackage, FLOOR } from '../../electron/engine/package/index';
import { makeWorkspace, writeEvidence } from './fixtures';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { readZip } from './zip-read';

afterAll(removeTempDirs);

const CARD_ONLY = ['VISA'] as const;
const GENERAL = ['card-non3ds-success', 'card-3ds-success', 'card-declined'];

describe('size budget', () => {
  it('keeps every file within the limit with 300 large screenshots, splitting into numbered parts', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...CARD_ONLY] });
    // 7 slots x 43 = 301 noisy captures of about 0.6 MB each (some 180 MB in all, nine files' worth).
    const { shots } = await writeEvidence(ws, {
      scenarios: GENERAL,
      methods: [...CARD_ONLY],
      repeat: 43,
      distinctImages: 4,
      shot: () => ({ noisy: true, height: 1000, quality: 60 }),
    });
    expect(shots).toBeGreaterThanOrEqual(300);
    const limit = 20 * 1024 * 1024;
    const pkg = await buildPackage(ws, { secrets: { shaType: 'sha256' } });
    const zips = pkg.files.filter((f) => f.format === 'zip');
    const pdfs = pkg.files.filter((f) => f.format === 'pdf');
    expect(zips.length).toBeGreaterThan(1);
    for (const f of pkg.files) {
      const size = (await fs.stat(f.path)).size;
      expect(size, f.path).toBeLessThanOrEqual(limit);
      expect(size).toBe(f.bytes);
    }
    // Parts are numbered, and together hold every screenshot exactly once.
    expect(zips.map((z) => path.basename(z.path))).toEqual(
      zips.map((_, i) => `Desert-Rose-Trading_general_part${i + 1}of${zips.length}.zip`),
    );
    const names: string[] = [];
    for (const z of zips) {
      const entries = await readZip(z.path);
      const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
      expect(manifest.parts).toBe(zips.length);
      names.push(...[...entries.keys()].filter((n) => n.endsWith('.jpg')));
    }
    expect(names).toHaveLength(shots);
    expect(new Set(names).size).toBe(shots);
    let pages = 0;
    for (const p of pdfs)
      pages += (await PDFDocument.load(await fs.readFile(p.path), { updateMetadata: false })).getPageCount() - 1;
    expect(pages).toBe(shots);
    expect(pkg.warnings.join('\n')).toMatch(/split into \d+ numbered parts/);
  }, 300_000);

  it('lowers JPEG quality (not below the floor) when that is enough to fit one file', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...CARD_ONLY] });
    await writeEvidence(ws, {
      scenarios: GENERAL,
      methods: [...CARD_ONLY],
      shot: () => ({ noisy: true, height: 1800, quality: 92 }),
    });
    const pkg = await buildPackage(ws, { maxMb: 3, format: 'zip', secrets: { shaType: 'sha256' } });
    expect(pkg.files).toHaveLength(1);
    const [zip] = pkg.files;
    expect(zip.bytes).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(zip.quality).toBeGreaterThanOrEqual(FLOOR.quality);
    expect(zip.quality).toBeLessThan(90);
    const entries = await readZip(zip.path);
    const jpg = [...entries.entries()].find(([n]) => n.endsWith('.jpg'))![1];
    const meta = await sharp(jpg).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(Math.max(FLOOR.minWidth, Math.round(1280 * FLOOR.scale)));
    expect(JSON.parse(entries.get('manifest.json')!.toString()).screenshots[0].jpeg_quality).toBe(zip.quality);
  }, 120_000);

  it('rejects a limit it cannot honour with a message naming the option', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, { methods: [...CARD_ONLY] });
    await expect(buildPackage(ws, { maxMb: 0.01 })).rejects.toThrow(/size limit 0.01 MB is out of range/);
  });
});
