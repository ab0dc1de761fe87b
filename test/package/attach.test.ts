import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/engine/cli/main';
import { collectEvidence } from '../../electron/engine/evidence/store';
import { cliContext } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { makeWorkspace } from './fixtures';
import { readZip } from './zip-read';

afterAll(removeTempDirs);

const SCENARIO = 'card-non3ds-success';

/** A phone screenshot as a camera app writes it: EXIF with the place it was taken. */
async function phoneShot(file: string, format: 'jpeg' | 'png'): Promise<void> {
  const img = sharp({ create: { width: 390, height: 844, channels: 3, background: '#3b82f6' } }).withExif({
    IFD0: { Make: 'PhoneMaker', Copyright: 'planted-owner' },
    IFD3: {
      GPSLatitudeRef: 'N',
      GPSLatitude: '24/1 42/1 1234/100',
      GPSLongitudeRef: 'E',
      GPSLongitude: '46/1 40/1 0/1',
    },
  });
  await fs.writeFile(file, await (format === 'png' ? img.png() : img.jpeg()).toBuffer());
}

function cli(cwd: string) {
  const c = cliContext({ cwd });
  return { c: c.ctx, out: c.stdout, err: c.stderr };
}

describe('certkit attach', () => {
  it('imports screens as evidence: re-encoded without metadata, headed as imported, packaged with provenance', async () => {
    const ws = tempDir('certkit-attach-').dir;
    await makeWorkspace(ws, { methods: ['VISA'] });
    const checkout = path.join(ws, 'checkout.jpg');
    const result = path.join(ws, 'result.png');
    await phoneShot(checkout, 'jpeg');
    await phoneShot(result, 'png');
    // The planted metadata is really there before the import.
    expect((await sharp(checkout).metadata()).exif?.includes(Buffer.from('PhoneMaker'))).toBe(true);

    const first = cli(ws);
    const args = ['attach', '.', '--scenario', SCENARIO];
    expect(
      await main(
        [
          ...args,
          '--slot',
          'general.checkout',
          'checkout.jpg',
          '--url',
          'https://shop.example/checkout',
          '--note',
          'iPhone Safari',
        ],
        first.c,
      ),
    ).toBe(0);
    expect(first.out()).toMatch(/general\.checkout imported as .*metadata dropped/);
    expect(first.out()).toContain('still to import for card-non3ds-success: general.result');
    const second = cli(ws);
    expect(
      await main([...args, '--slot', 'general.result', 'result.png', '--url', 'Shop app > Order confirmed'], second.c),
    ).toBe(0);

    // One record of the scenario, passed once both slots have a screen; each image without EXIF.
    const { byScenario } = await collectEvidence(ws);
    const ev = byScenario.get(SCENARIO)!;
    expect(ev.imported).toBe(true);
    expect(ev.status).toBe('passed');
    expect(ev.screenshots.map((s) => [s.slot, s.url, s.imported?.sourceName])).toEqual([
      ['general.checkout', 'https://shop.example/checkout', 'checkout.jpg'],
      ['general.result', 'Shop app > Order confirmed', 'result.png'],
    ]);
    for (const s of ev.screenshots) {
      for (const file of [s.file, s.rawFile]) {
        const bytes = await fs.readFile(path.join(ws, 'runs', ev.runId, SCENARIO, file));
        const meta = await sharp(bytes).metadata();
        expect(meta.format).toBe('jpeg');
        expect(meta.exif).toBeUndefined();
        expect(bytes.includes('PhoneMaker')).toBe(false);
        expect(bytes.includes('planted-owner')).toBe(false);
      }
    }
    // The header band sits above the page: the image is taller than the phone's screen.
    expect(ev.screenshots[0].height).toBeGreaterThan(844);

    // The merchant reference for such a scenario is entered by hand, on the same record.
    expect(
      await main(['ledger', '.', '--scenario', SCENARIO, '--set', 'merchant_reference=ORD-APP-7'], cli(ws).c),
    ).toBe(0);

    const pkg = cli(ws);
    expect(await main(['package', '.', '--draft', '--format', 'pdf'], pkg.c)).toBe(0);
    const outDir = path.join(ws, 'output', 'package');
    const pdf = (await fs.readdir(outDir)).find((f) => f.endsWith('.pdf') && f.includes('general'))!;
    const text = execFileSync('pdftotext', ['-layout', path.join(outDir, pdf), '-']).toString();
    expect(text).toContain('Imported by the engineer (not captured by Certkit)');
    expect(text).toContain('from checkout.jpg: iPhone Safari');
    expect(text).toContain('ORD-APP-7');
    // The page of the PDF holding the imported screen shows the header band: render it and find the band's colour.
    const pages = text.split('\f');
    const pageNo = pages.findIndex((p) => p.includes('from checkout.jpg')) + 1;
    const png = path.join(ws, 'page');
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-f',
      String(pageNo),
      '-l',
      String(pageNo),
      '-singlefile',
      path.join(outDir, pdf),
      png,
    ]);
    const { data, info } = await sharp(`${png}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let band = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      // #b45309, the imported band, after JPEG and rendering.
      if (Math.abs(data[i] - 0xb4) < 24 && Math.abs(data[i + 1] - 0x53) < 24 && Math.abs(data[i + 2] - 0x09) < 30)
        band++;
    }
    expect(band).toBeGreaterThan(200);

    const mail = cli(ws);
    expect(await main(['email', '.', '--draft'], mail.c)).toBe(0);
    const textPath = /text: +(.+)/.exec(mail.out())![1].trim();
    expect(await fs.readFile(textPath, 'utf8')).toMatch(
      /Screens imported by the engineer[^\n]*\n- Successful transaction, non-3DS card \[card-non3ds-success\], [^\n]*\(iPhone Safari\)/,
    );

    // The zip's manifest says where each screen came from.
    const zip = cli(ws);
    expect(await main(['package', '.', '--draft', '--format', 'zip'], zip.c)).toBe(0);
    const zipFile = (await fs.readdir(outDir)).find((f) => f.endsWith('.zip') && f.includes('general'))!;
    const manifest = JSON.parse((await readZip(path.join(outDir, zipFile))).get('manifest.json')!.toString('utf8'));
    expect(manifest.scenarios.find((s: { id: string }) => s.id === SCENARIO).provenance).toBe(
      'imported by the engineer',
    );
    expect(
      manifest.screenshots.map((s: { provenance: string; imported_from?: string }) => [s.provenance, s.imported_from]),
    ).toEqual([
      ['imported by the engineer', 'checkout.jpg'],
      ['imported by the engineer', 'result.png'],
    ]);
  });

  it('refuses a scenario or slot that does not fit, and a file that is not a PNG or JPEG, with exit 2 and the fix', async () => {
    const ws = tempDir('certkit-attach-bad-').dir;
    await makeWorkspace(ws, { methods: ['VISA'] });
    await phoneShot(path.join(ws, 'shot.png'), 'png');
    await fs.writeFile(path.join(ws, 'notes.txt'), 'not an image');
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
      .gif()
      .toFile(path.join(ws, 'anim.gif'));
    const cases: [string[], RegExp][] = [
      [['--scenario', 'no-such', '--slot', 'general.result', 'shot.png'], /"no-such" is not a scenario in the catalog/],
      [['--scenario', 'knet-success', '--slot', 'general.result', 'shot.png'], /not in this workspace's plan/],
      [
        ['--scenario', SCENARIO, '--slot', 'knet.receipt', 'shot.png'],
        /not a screenshot slot of scenario card-non3ds-success[\s\S]*use one of general\.checkout, general\.result/,
      ],
      [['--scenario', SCENARIO, '--slot', 'general.result', 'missing.png'], /cannot read missing\.png/],
      [
        ['--scenario', SCENARIO, '--slot', 'general.result', 'notes.txt'],
        /notes\.txt is not an image Certkit can read[\s\S]*PNG or JPEG/,
      ],
      [['--scenario', SCENARIO, '--slot', 'general.result', 'anim.gif'], /anim\.gif is gif, not PNG or JPEG/],
    ];
    for (const [args, message] of cases) {
      const run = cli(ws);
      expect(await main(['attach', '.', ...args], run.c), args.join(' ')).toBe(2);
      expect(run.err()).toMatch(message);
    }
    expect((await collectEvidence(ws)).byScenario.size).toBe(0);
  });
});
