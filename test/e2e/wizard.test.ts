import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { startHost, type RunningHost } from '../../electron/engine/host/server';
import { removeTempDirs, tempDir } from '../helpers/tmp';

// Drives the whole wizard in Chromium over the browser host, on the demo workspace (simulator + demo store),
// and keeps a screenshot of each step in test-artifacts/wizard/ for a person to look at.

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'wizard');

let host: RunningHost;
let browser: Browser;
let page: Page;
let demoDir: string;
const opened: string[] = [];

async function shot(name: string): Promise<void> {
  // Sticky header and sidebar are laid out for the scroll position; a full-page capture wants the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function goTo(step: string): Promise<void> {
  await page.click(`[data-testid=nav-${step}]`);
  await page.waitForSelector(`[data-testid=step-${step}]`);
}

async function setChecked(testId: string, on: boolean): Promise<void> {
  const box = await page.waitForSelector(`[data-testid=${testId}]`);
  const checked = await box!.evaluate((el) => (el as HTMLInputElement).checked);
  if (checked !== on) await box!.click();
}

async function noError(): Promise<void> {
  const banner = await page.$('[data-testid=error-banner]');
  if (banner) throw new Error(`the wizard shows an error: ${await banner.evaluate((el) => el.textContent)}`);
}

beforeAll(async () => {
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'],
    { cwd: ROOT, stdio: 'pipe' },
  );
  await fs.mkdir(ARTIFACTS, { recursive: true });
  demoDir = tempDir('certkit-e2e-').dir;
  host = await startHost({
    // The host finds the browser for its runs the way `certkit app` does, from the environment it is given.
    env: process.env,
    demoDir: path.join(demoDir, 'ws'),
    recent: new MemoryRecentStore(),
    openPath: async (p) => (opened.push(p), false),
  });
  // A full browser found the way Certkit finds one (CERTKIT_BROWSER, then the usual places), launched headless with
  // the launcher's switches. Not the headless shell: the flow upload below does not reach the page there.
  browser = await launchBrowser({ executablePath: resolveBrowser({ env: process.env }) });
  page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  removeTempDirs();
});

describe('the wizard in the browser host', () => {
  it('goes from the demo workspace to a saved sign-off email', async () => {
    const ws = path.join(demoDir, 'ws');
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=welcome]');
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');
    await shot('0-welcome');

    // An engine error crosses the HTTP host as the reply envelope and shows with its fix.
    await page.type('[data-testid=welcome-dir]', path.join(demoDir, 'no-such-shop'));
    await page.click('[data-testid=welcome-open]');
    const banner = await page.waitForSelector('[data-testid=error-banner]');
    expect(await banner!.evaluate((el) => el.querySelector('p')?.textContent)).toMatch(/certkit\.json is missing/);
    expect(await banner!.evaluate((el) => el.querySelector('.banner-hint')?.textContent)).toMatch(
      /Fix: create one with `certkit init .*no-such-shop`/,
    );
    await shot('0b-welcome-error');
    await page.click('[data-testid=error-banner] button');
    await page.waitForSelector('[data-testid=error-banner]', { hidden: true });

    await page.click('[data-testid=welcome-demo]');
    await page.waitForSelector('[data-testid=step-project]', { timeout: 60_000 });

    // 1 Project: narrow the demo to Visa on hosted checkout so the run stays short; saved as you go.
    for (const m of ['MASTERCARD', 'AMEX', 'MADA', 'KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY', 'APPLE_PAY'])
      await setChecked(`method-${m}`, false);
    for (const t of ['custom_non_pci', 'custom_pci', 'mobile', 'apple_pay_web', 'apple_pay_sdk', 'recurring'])
      await setChecked(`itype-${t}`, false);
    for (const f of ['installments', 'savedCards', 'recurring']) await setChecked(`feature-${f}`, false);
    await page.waitForFunction(
      () => document.querySelector('[data-testid=save-state]')?.classList.contains('save-saved'),
      { timeout: 15_000 },
    );
    const saved = JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8'));
    expect(saved.methods).toEqual(['VISA']);
    expect(saved.integrationTypes).toEqual(['hosted']);
    expect(JSON.stringify(saved)).not.toMatch(/phrase|access_?code/i);
    await expect(page.$eval('[data-testid=secrets-notice]', (el) => el.textContent)).resolves.toMatch(/memory/);
    await noError();
    await shot('1-project');

    // 2 Flows: import a Recorder JSON for a scenario (replacing the demo's own), see its steps.
    await goTo('flows');
    // The demo's card-declined shares its flow file with card-non3ds-success; the import gives it its own.
    const recording = JSON.parse(await fs.readFile(path.join(ws, saved.flows['card-declined'].file), 'utf8'));
    recording.title = 'Declined card, imported';
    const upload = path.join(demoDir, 'card-declined.json');
    await fs.writeFile(upload, JSON.stringify(recording));
    const input = await page.waitForSelector('[data-testid=flow-file]');
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(upload);
    // The file is read asynchronously and the scenario list comes with the plan: wait until the button says both are in.
    await page.waitForSelector('[data-testid=flow-name] option[value=card-declined]');
    await page.select('[data-testid=flow-name]', 'card-declined');
    await page.waitForSelector('[data-testid=flow-import]:not([disabled])', { timeout: 10_000 });
    await page.click('[data-testid=flow-import]');
    await page
      .waitForFunction(
        () => document.querySelector('[data-testid=flow-detail] h2')?.textContent === 'Declined card, imported',
      )
      .catch(async (err) => {
        await noError(); // an error banner says more than the timeout
        throw err;
      });
    const imported = JSON.parse(await fs.readFile(path.join(ws, 'flows', 'card-declined.json'), 'utf8'));
    expect(imported.title).toBe('Declined card, imported');
    // The detail pane may still be showing the previous flow's rows for a frame; wait for the imported one's.
    await page
      .waitForFunction(
        (n) => document.querySelectorAll('[data-testid=flow-steps] tbody tr').length === n,
        { timeout: 10_000 },
        recording.steps.length,
      )
      .catch(() => undefined);
    expect(await page.$$eval('[data-testid=flow-steps] tbody tr', (rows) => rows.length)).toBe(recording.steps.length);
    await noError();
    await shot('2-flows');

    // 3 Run: every planned scenario ends, with live progress and a thumbnail.
    await goTo('run');
    await page.click('[data-testid=run-start]');
    await page.waitForFunction(() => document.querySelector('[data-testid=run-state]')?.textContent === 'Running', {
      timeout: 20_000,
    });
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid=run-scenarios] li')];
        return (
          document.querySelector('[data-testid=run-state]')?.textContent === 'Idle' &&
          rows.length > 0 &&
          rows.every((r) => ['passed', 'failed'].includes(r.getAttribute('data-status') ?? ''))
        );
      },
      { timeout: 300_000, polling: 500 },
    );
    const statuses = await page.$$eval('[data-testid=run-scenarios] li', (rows) =>
      rows.map((r) => [r.getAttribute('data-testid'), r.getAttribute('data-status')]),
    );
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(statuses.filter(([, s]) => s !== 'passed')).toEqual([]);
    await page.waitForSelector('[data-testid=run-scenarios] .thumb img');
    expect(await page.$eval('[data-testid=run-log]', (el) => el.textContent)).toMatch(/finished: \d+ passed, 0 failed/);
    await shot('3-run');
    const runs = await fs.readdir(path.join(ws, 'runs'));
    expect(runs.length).toBe(1);
    const declined = JSON.parse(
      await fs.readFile(path.join(ws, 'runs', runs[0], 'card-declined', 'scenario.json'), 'utf8'),
    );
    expect(declined.status).toBe('passed');
    expect(declined.ledger.values.merchant_reference).toBeTruthy();

    // 4 Evidence: gallery with images, every required slot captured, ledger filled from traffic.
    await goTo('evidence');
    await page.waitForSelector('[data-testid=evidence-card-declined] .shot img', { timeout: 30_000 });
    const missing = await page.$$eval('[data-testid=slots] li[data-filled=false]', (els) =>
      els.map((e) => e.getAttribute('data-testid')),
    );
    expect(missing).toEqual([]);
    expect(
      await page.$eval('[data-testid=ledger-card-declined-merchant_reference]', (el) => (el as HTMLInputElement).value),
    ).toBe(declined.ledger.values.merchant_reference);
    await noError();
    await shot('4-evidence');
    // A screenshot opens at full size with its URL.
    await page.click('[data-testid=evidence-card-declined] .shot-img');
    await page.waitForSelector('[data-testid=lightbox] .lightbox-img img', { timeout: 30_000 });
    expect(await page.$eval('[data-testid=lightbox]', (el) => el.textContent)).toContain('http://127.0.0.1:');
    await page.screenshot({ path: path.join(ARTIFACTS, '4b-evidence-full-size.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=lightbox]', { hidden: true });

    // Before the engineer's confirmations, sign-off is blocked: the package step offers a draft and says why.
    await goTo('package');
    await page.waitForSelector('[data-testid=package-build][data-draft=true]', { timeout: 60_000 });
    expect(await page.$eval('[data-testid=package-build]', (el) => el.textContent)).toBe('Build draft package');
    await page.waitForSelector('[data-testid=package-blocked]');
    await shot('4c-package-blocked');

    // 5 Checklist: confirm every checkpoint that only the engineer can confirm, each with a note.
    await goTo('checklist');
    await page.waitForSelector('[data-testid=checks] li', { timeout: 60_000 });
    const toConfirm = await page.$$eval('[data-testid=checks] li[data-status=needs-confirmation]', (els) =>
      els.map((e) => e.getAttribute('data-testid')!.slice('check-'.length)),
    );
    expect(toConfirm.length).toBeGreaterThan(0);
    for (const id of toConfirm) {
      await page.type(`[data-testid=note-${id}]`, `Checked by hand for ${id}`);
      await page.click(`[data-testid=confirm-${id}]`);
      await page.waitForSelector(`[data-testid=check-${id}][data-status=confirmed]`, { timeout: 30_000 });
    }
    const confirmations = JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8')).confirmations;
    for (const id of toConfirm)
      expect(confirmations[id]).toMatchObject({ confirmed: true, note: `Checked by hand for ${id}` });
    const open = await page.$$eval('[data-testid=checks] li', (els) =>
      els
        .filter((e) => ['failed', 'no-evidence', 'needs-confirmation'].includes(e.getAttribute('data-status')!))
        // Status and text too, so a failure on CI says why the checkpoint stayed open.
        .map((e) => `${e.getAttribute('data-testid')} ${e.getAttribute('data-status')}: ${e.textContent}`),
    );
    expect(open).toEqual([]);
    await noError();
    await shot('5-checklist');

    // 6 Package: build, every file within 20 MB, open the folder. With every checkpoint met or confirmed, nothing
    // blocks sign-off, so the build is final (not a draft).
    await goTo('package');
    await page.waitForSelector('[data-testid=package-files]');
    await page.waitForSelector('[data-testid=package-build][data-draft=false]', { timeout: 60_000 });
    expect(await page.$('[data-testid=package-blocked]')).toBeNull();
    await page.click('[data-testid=package-build]');
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-testid=package-files] tbody tr').length > 0 &&
        !document.querySelector('[data-testid=package-build]')?.hasAttribute('disabled') &&
        document.body.textContent!.includes('built'),
      { timeout: 180_000, polling: 500 },
    );
    await noError();
    const pkgDir = path.join(ws, 'output', 'package');
    const built = (await fs.readdir(pkgDir)).filter((f) => /\.(zip|pdf)$/.test(f));
    expect(built.filter((f) => f.startsWith('DRAFT_'))).toEqual([]);
    expect(built.some((f) => f.endsWith('.zip'))).toBe(true);
    expect(built.some((f) => f.endsWith('.pdf'))).toBe(true);
    for (const f of built) expect((await fs.stat(path.join(pkgDir, f))).size).toBeLessThanOrEqual(20 * 1024 * 1024);
    await page.click('[data-testid=package-open]');
    await page.waitForFunction(() => true);
    await shot('6-package');

    // 7 Email: preview, save .eml.
    await goTo('email');
    await page.waitForSelector('[data-testid=email-preview]', { timeout: 60_000 });
    expect(await page.$eval('[data-testid=email-preview]', (el) => el.textContent)).toContain(
      'Integration Sign-off - Certkit Demo Store',
    );
    await page.click('[data-testid=email-save]');
    await page.waitForSelector('[data-testid=email-saved]');
    const eml = await fs.readFile(path.join(ws, 'output', 'signoff-email.eml'), 'utf8');
    expect(eml).toMatch(/^To: integration-ps@amazon\.com/m);
    expect(eml).toMatch(/^Subject: Integration Sign-off - Certkit Demo Store/m);
    expect(await page.$('[data-testid=email-blocked]')).toBeNull();
    await noError();
    await shot('7-email');
    expect(opened).toEqual([path.join(ws, 'output')]);

    // Arabic, right to left.
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await page.$eval('[data-testid=step-title]', (el) => el.textContent)).toBe('البريد');
    await goTo('evidence');
    await page.waitForSelector('[data-testid=evidence-card-declined] .shot img');
    await shot('8-evidence-arabic');
    // The checklist's names come from the catalog, in Arabic too.
    await goTo('checklist');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=step-checklist]')?.textContent?.includes('بريد العميل الحقيقي'),
      { timeout: 10_000 },
    );
    await shot('9-checklist-arabic');
  }, 600_000);
});
