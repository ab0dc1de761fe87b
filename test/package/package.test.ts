import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../shared/plan';
import { writeSignoffEmail } from '../../electron/engine/email/index';
import { collectEvidence } from '../../electron/engine/evidence/store';
import { buildPackage, planPackage, readPackageIndex, type PackageResult } from '../../electron/engine/package/index';
import { recoverPackageDir } from '../../electron/engine/package/swap';
import { addSnippet } from '../../electron/engine/snippets/index';
import { loadWorkspace } from '../../electron/engine/workspace/workspace';
import { leaks } from '../helpers/planted';
import { makeWorkspace, PLANTED, writeEvidence } from './fixtures';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import { readZip } from './zip-read';

afterAll(removeTempDirs);

const METHODS = ['VISA', 'MASTERCARD', 'KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY', 'APPLE_PAY'] as const;
const SECRETS = {
  accessCode: PLANTED.accessCode,
  requestPhrase: PLANTED.requestPhrase,
  responsePhrase: PLANTED.responsePhrase,
  shaType: 'sha256' as const,
};

let ws: string;
let pkg: PackageResult;

beforeAll(async () => {
  ws = tempDir('certkit-pkg-').dir;
  await makeWorkspace(ws, { methods: [...METHODS], integrationTypes: ['hosted', 'apple_pay_web'] });
  const scenarios = buildPlan({
    methods: [...METHODS],
    integrationTypes: ['hosted', 'apple_pay_web'],
    features: { installments: false, savedCards: false, recurring: false },
  }).scenarios.map((s) => s.id);
  await writeEvidence(ws, { scenarios, methods: [...METHODS], plantSecrets: true });
  // A pasted snippet that carries the request phrase: it must be scrubbed before it is rendered into the package.
  await addSnippet(
    ws,
    'apple_pay.networks_code',
    `// networks\nconst phrase = "${PLANTED.requestPhrase}";\nconst request = { supportedNetworks: ['mada', 'amex', 'visa', 'masterCard'], countryCode: 'SA' };\n`,
    'javascript',
  );
  pkg = await buildPackage(ws, { secrets: SECRETS });
}, 180_000);

function pdfText(file: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : [];
  return execFileSync('pdftotext', [...range, file, '-'], { encoding: 'utf8' });
}

describe('package plan and zips', () => {
  it('plans separate success/declined files for KNET, NAPS, BENEFIT, STC Pay, one OmanNet file, and a general file', async () => {
    const plan = planPackage(await loadWorkspace(ws), await collectEvidence(ws));
    const groups = plan.files.map((f) => f.group);
    expect(groups).toEqual([
      'general',
      'knet-success',
      'knet-declined',
      'naps-success',
      'naps-declined',
      'benefit-success',
      'benefit-declined',
      'omannet',
      'stcpay-success',
      'stcpay-declined',
    ]);
    const omannet = plan.files.find((f) => f.group === 'omannet')!;
    expect(new Set(omannet.entries.map((e) => e.outcome))).toEqual(new Set(['success', 'declined']));
    const naps = plan.files.find((f) => f.group === 'naps-success')!;
    expect(new Set(naps.entries.map((e) => e.language))).toEqual(new Set(['ar', 'en']));
    expect(naps.entries.every((e) => /_naps_success_(ar|en)_[a-z-]+_DRT-NAPS-\d+\.jpg$/.test(e.name))).toBe(true);
  });

  it('each zip holds its manifest and exactly the planned screenshots, in flow order', async () => {
    const plan = planPackage(await loadWorkspace(ws), await collectEvidence(ws), {
      snippets: JSON.parse(await fs.readFile(path.join(ws, 'snippets/index.json'), 'utf8')),
    });
    const zips = pkg.files.filter((f) => f.format === 'zip');
    expect(zips).toHaveLength(plan.files.length);
    for (const f of plan.files) {
      const zip = zips.find((z) => z.group === f.group)!;
      expect(zip.bytes).toBe((await fs.stat(zip.path)).size);
      const entries = await readZip(zip.path);
      expect([...entries.keys()]).toEqual(['manifest.json', 'manifest.txt', ...f.entries.map((e) => e.name)]);
      const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
      expect(manifest.screenshots.map((s: { name: string }) => s.name)).toEqual(f.entries.map((e) => e.name));
      // Built without verification results: the manifest says so rather than claiming a checklist.
      expect(manifest.checklist).toBeNull();
      expect(manifest.draft).toBe(false);
      expect(entries.get('manifest.txt')!.toString('utf8')).toContain('Checklist not verified');
      for (const s of f.scenarios)
        expect(entries.get('manifest.txt')!.toString('utf8')).toContain(s.ledger.merchant_reference!);
      // Images arrive byte for byte as captured when the file is within the limit.
      const first = f.entries.find((e) => e.kind === 'page')!;
      expect(entries.get(first.name)!.equals(await fs.readFile(path.join(ws, first.source)))).toBe(true);
    }
    const knet = await readZip(zips.find((z) => z.group === 'knet-success')!.path);
    const knetNames = [...knet.keys()].filter((n) => n.endsWith('.jpg')).map((n) => n.split('_').slice(-2, -1)[0]);
    expect(knetNames).toEqual(['pre-checkout', 'checkout', 'payment-page', 'confirmation', 'receipt']);
    const general = await readZip(zips.find((z) => z.group === 'general')!.path);
    expect([...general.keys()].some((n) => n.startsWith('90_code-snippets/') && n.endsWith('.jpg'))).toBe(true);
  });
});

describe('package PDFs', () => {
  it('open with a cover page plus one page per screenshot, captioned', async () => {
    const plan = planPackage(await loadWorkspace(ws), await collectEvidence(ws));
    for (const f of pkg.files.filter((x) => x.format === 'pdf')) {
      const doc = await PDFDocument.load(await fs.readFile(f.path));
      const planned = plan.files.find((p) => p.group === f.group)!;
      const pages = planned.entries.length + (f.group === 'general' ? 1 : 0);
      expect(doc.getPageCount(), f.path).toBe(1 + pages);
    }
    const knetPdf = pkg.files.find((x) => x.format === 'pdf' && x.group === 'knet-success')!.path;
    const cover = pdfText(knetPdf, 1);
    expect(cover).toContain('Desert Rose Trading');
    expect(cover).toContain('Checklist not verified');
    expect(cover).toMatch(/DRT-KNET-\d+/);
    const page2 = pdfText(knetPdf, 2);
    expect(page2).toContain('KNET successful transaction');
    expect(page2).toContain('Pre-checkout page');
    expect(page2).toContain('https://shop.desertrose.example/checkout/pre_checkout?order=DRT-KNET-');
    expect(page2).toMatch(/Merchant reference: DRT-KNET-\d+/);
    const napsPdf = pkg.files.find((x) => x.format === 'pdf' && x.group === 'naps-success')!.path;
    const arabicPage = pdfText(napsPdf, 2);
    expect(arabicPage).toContain('naps-success-ar');
    // Shaped Arabic survives as text (Chromium-typeset, not dropped or drawn as boxes by the standard font).
    expect(arabicPage).toMatch(/نابس/);
    expect(arabicPage).toMatch(/الصحراء/);
  });
});

function inflatePdfStreams(bytes: Buffer): string {
  const out: string[] = [bytes.toString('latin1')];
  let at = 0;
  for (;;) {
    const s = bytes.indexOf('stream', at);
    if (s < 0) break;
    let start = s + 6;
    if (bytes[start] === 0x0d) start++;
    if (bytes[start] === 0x0a) start++;
    const e = bytes.indexOf('endstream', start);
    if (e < 0) break;
    try {
      out.push(inflateSync(bytes.subarray(start, e)).toString('latin1'));
    } catch {
      // not a Flate stream (a JPEG): searched raw above
    }
    at = e + 9;
  }
  return out.join('\n');
}

/** Every file under root as text, and what is inside it: zip entries, PDF text and streams, the email's parts. */
async function allOutputText(root: string): Promise<{ label: string; text: string }[]> {
  const texts: { label: string; text: string }[] = [];
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const label = path.relative(root, p);
        const bytes = await fs.readFile(p);
        texts.push({ label, text: bytes.toString('latin1') }, { label, text: bytes.toString('utf8') });
        if (p.endsWith('.zip'))
          for (const [name, b] of await readZip(p)) texts.push({ label: `${label}:${name}`, text: b.toString('utf8') });
        if (p.endsWith('.pdf'))
          texts.push(
            { label: `${label} streams`, text: inflatePdfStreams(bytes) },
            { label: `${label} text`, text: pdfText(p) },
          );
        if (p.endsWith('.eml')) {
          const mail = await simpleParser(bytes);
          texts.push({ label: `${label} body`, text: mail.text ?? '' });
          for (const a of mail.attachments)
            texts.push({ label: `${label}:${a.filename}`, text: a.content.toString('latin1') });
        }
      }
    }
  };
  await walk(root);
  return texts;
}

describe('secrets and card numbers', () => {
  it('appear nowhere in the package (zip entries, PDF text and streams), report or email', async () => {
    await writeSignoffEmail(ws, { pkg, mailLimitMb: 25 });
    const texts = await allOutputText(path.join(ws, 'output'));
    expect(texts.length).toBeGreaterThan(40);
    expect(leaks(texts)).toEqual([]);
    // Masked form is what remains of the planted card in the report.
    const report = await fs.readFile(pkg.reportPath, 'utf8');
    expect(report).toContain('455701******8902');
    // Identifiers the reviewer needs are untouched, even long numeric ones.
    expect(report).toContain('169996200000541234');
  });
});

describe('sign-off email', () => {
  it('.eml parses with the APS recipient, subject, body sections and the zips attached', async () => {
    const email = await writeSignoffEmail(ws, { pkg, mailLimitMb: 25 });
    expect(email.attachmentsInline).toBe(true);
    const mail = await simpleParser(await fs.readFile(email.emlPath));
    expect(mail.subject).toBe('Integration Sign-off - Desert Rose Trading');
    expect((mail.to as { text: string }).text).toBe('integration-ps@amazon.com');
    const zips = pkg.files.filter((f) => f.format === 'zip');
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(zips.map((z) => path.basename(z.path)).sort());
    const zipBytes = await fs.readFile(zips[0].path);
    expect(mail.attachments.find((a) => a.filename === path.basename(zips[0].path))!.content.equals(zipBytes)).toBe(
      true,
    );
    for (const title of [
      '1. Test results',
      '2. Verification checklist',
      '3. Local payment methods',
      '4. Code snippets',
      '5. Attachments',
    ])
      expect(mail.text).toContain(title);
    expect(mail.text).toMatch(/DRT-KNET-\d+/);
    expect(mail.text).toContain('knet_ref_number 510000123456');
    expect(mail.text).toContain('Checklist not verified');
    expect(
      email.mailto.startsWith(
        'mailto:integration-ps@amazon.com?subject=Integration%20Sign-off%20-%20Desert%20Rose%20Trading&body=',
      ),
    ).toBe(true);
    expect(await fs.readFile(email.textPath, 'utf8')).toContain('Subject: Integration Sign-off - Desert Rose Trading');
  });

  it('lists the files for the user to attach when they exceed the mail limit', async () => {
    const email = await writeSignoffEmail(ws, { pkg, mailLimitMb: 0.5 });
    expect(email.attachmentsInline).toBe(false);
    const mail = await simpleParser(await fs.readFile(email.emlPath));
    expect(mail.attachments).toHaveLength(0);
    for (const f of pkg.files.filter((x) => x.format === 'zip')) expect(mail.text).toContain(path.basename(f.path));
    expect(mail.text).toContain('exceed the mail size limit');
  });
});

describe('interrupted export', () => {
  it('a build that dies midway leaves the previous package whole', async () => {
    const before = await readPackageIndex(pkg.outDir);
    let n = 0;
    await expect(
      buildPackage(ws, {
        secrets: SECRETS,
        onProgress: () => {
          if (++n === 5) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const after = await readPackageIndex(pkg.outDir);
    expect(after).toEqual(before);
    for (const f of after!.files) expect((await fs.stat(f.path)).size).toBe(f.bytes);
    expect((await fs.readdir(path.dirname(pkg.outDir))).filter((x) => x.includes('staging'))).toEqual([]);
  });

  it('a kill between the two renames of the swap is repaired on the next read', async () => {
    const prev = path.join(path.dirname(pkg.outDir), `.${path.basename(pkg.outDir)}.previous`);
    await fs.rename(pkg.outDir, prev);
    await recoverPackageDir(pkg.outDir);
    expect(existsSync(pkg.outDir)).toBe(true);
    expect(existsSync(prev)).toBe(false);
  });

  it('refuses to replace a folder that is not a package', async () => {
    const other = tempDir('certkit-notpkg-').dir;
    await fs.writeFile(path.join(other, 'thesis.docx'), 'mine');
    await expect(buildPackage(ws, { outDir: other })).rejects.toThrow(/not a Certkit package/);
    expect(await fs.readFile(path.join(other, 'thesis.docx'), 'utf8')).toBe('mine');
  });
});
