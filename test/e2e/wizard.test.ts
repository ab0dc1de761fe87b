import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRecentStore } from '../../electron/engine/api/recent-store';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { resolveBrowser } from '../../electron/engine/browser/resolve';
import { startHost, type RunningHost } from '../../electron/engine/host/server';
import { removeTempDirs, tempDir } from '../helpers/tmp';
import sharp from 'sharp';
import { CATALOG } from '../../shared/aps/catalog-index';

// Drives the whole wizard in Chromium over the browser host, on the demo workspace (simulator + demo store),
// and keeps a screenshot of each step in test-artifacts/wizard/ for a person to look at.

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'wizard');

let host: RunningHost;
let browser: Browser;
let page: Page;
let demoDir: string;
const opened: string[] = [];

const STEPS = ['project', 'flows', 'run', 'evidence', 'checklist', 'package', 'email'] as const;
type Step = (typeof STEPS)[number];
/** What each step shows once its data is in, so a screenshot or an axe pass sees the step, not its spinner. */
const READY: Record<Step, string> = {
  project: '[data-testid=save-state]',
  flows: '[data-testid=flow-scenarios] li[data-has-flow=true] [data-slot]',
  run: '[data-testid=run-scenarios] li',
  evidence: '[data-testid=evidence-card-declined] .shot img',
  checklist: '[data-testid=checks] li',
  package: '[data-testid=package-files]',
  email: '[data-testid=email-preview]',
};
const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
/** Serious and critical axe-core findings of every pass, named by where they were seen; asserted empty at the end. */
const violations: string[] = [];

/** Screenshot of the whole step: the window grows to the content's height for the capture (the app scrolls inside). */
async function shot(name: string): Promise<void> {
  const view = page.viewport()!;
  const height = await page.evaluate(() => {
    const content = document.querySelector('.content');
    return Math.ceil(content ? content.getBoundingClientRect().top + content.scrollHeight : document.body.scrollHeight);
  });
  if (height > view.height) await page.setViewport({ ...view, height });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  if (height > view.height) await page.setViewport(view);
}

/** axe-core on the page as it is; the source is evaluated over the DevTools protocol, which the page's CSP allows. */
async function axe(where: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const run = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResults> } }).axe.run;
    type AxeResults = { violations: { id: string; impact?: string; nodes: { target: string[] }[] }[] };
    const res = await run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return res.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}) at ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
  violations.push(...found.map((f) => `${where}: ${f}`));
}

async function settled(step: Step): Promise<void> {
  await page.waitForSelector(READY[step], { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('.content .spinner'), { timeout: 60_000 });
}

async function goTo(step: Step): Promise<void> {
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

async function text(selector: string): Promise<string> {
  return page.$eval(selector, (el) => el.textContent ?? '');
}

/** Imports a file as the flow of a scenario the way a person does: choose the file, choose the scenario, Import. */
async function importFlowFile(upload: string, scenario: string): Promise<void> {
  const input = await page.waitForSelector('[data-testid=flow-file]');
  await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(upload);
  await page.waitForSelector(`[data-testid=flow-name] option[value=${scenario}]`);
  await page.select('[data-testid=flow-name]', scenario);
  await page.waitForSelector('[data-testid=flow-import]:not([disabled])', { timeout: 10_000 });
  await page.click('[data-testid=flow-import]');
}

/** Waits until certkit.json on disk holds the methods the form was changed to (it is saved as you go). */
async function savedMethods(ws: string, ok: (methods: string[]) => boolean): Promise<void> {
  await expect
    .poll(async () => ok(JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8')).methods), {
      timeout: 15_000,
    })
    .toBe(true);
  await page.waitForFunction(
    () => document.querySelector('[data-testid=save-state]')?.classList.contains('save-saved'),
    { timeout: 15_000 },
  );
}

/** Starts noting, after each change of the page, the email preview's body, its draft notice and the blockers count. */
async function watchEmail(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { emailSeen: unknown[]; emailWatch?: MutationObserver };
    w.emailWatch?.disconnect();
    w.emailSeen = [];
    w.emailWatch = new MutationObserver(() =>
      w.emailSeen.push({
        body: document.querySelector('[data-testid=email-preview] .email-body')?.textContent ?? null,
        blocked: !!document.querySelector('[data-testid=email-blocked]'),
        count: document.querySelector('[data-testid=signoff-count]')?.textContent ?? null,
      }),
    );
    w.emailWatch.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** What watchEmail noted since it started (only states that showed a preview), and stops it. */
async function emailSeen(): Promise<{ body: string; blocked: boolean; count: string | null }[]> {
  const seen = await page.evaluate(() => {
    const w = window as unknown as { emailSeen: unknown[]; emailWatch?: MutationObserver };
    w.emailWatch?.disconnect();
    return w.emailSeen as { body: string | null; blocked: boolean; count: string | null }[];
  });
  return seen.filter((v): v is { body: string; blocked: boolean; count: string | null } => v.body !== null);
}

/**
 * The slot dropdowns of the open flow whose chosen text does not fit in them (what a person would see cut off; in
 * Arabic, the start of the slot id). What fits is the width of a copy sized to its content by the browser itself.
 */
async function clippedSlotDropdowns(): Promise<string[]> {
  return page.$$eval('[data-testid=flow-steps] select', (els) =>
    els.flatMap((el) => {
      const select = el as HTMLSelectElement;
      const copy = select.cloneNode(true) as HTMLSelectElement;
      copy.value = select.value;
      Object.assign(copy.style, {
        position: 'absolute',
        visibility: 'hidden',
        fieldSizing: 'content',
        width: 'auto',
        minWidth: '0',
        maxWidth: 'none',
      });
      select.parentElement!.append(copy);
      const needs = copy.getBoundingClientRect().width;
      copy.remove();
      const box = select.getBoundingClientRect();
      const inside = box.left >= 0 && box.right <= window.innerWidth;
      const label = select.selectedOptions[0]?.textContent ?? '';
      return needs > box.width + 0.5 || !inside
        ? [`${select.id} "${label}": needs ${needs} px, has ${box.width}, inside the window ${inside}`]
        : [];
    }),
  );
}

/** Waits for the run the page shows to end, and for the blockers panel it brings. */
async function runEnded(): Promise<void> {
  await page.waitForFunction(
    () => !(document.querySelector('[data-testid=run-start]') as HTMLButtonElement | null)?.disabled,
    { timeout: 300_000, polling: 250 },
  );
  await page.waitForSelector('[data-testid=run-summary]');
}

/** Every step at one size and language: heading focused, nothing wider than the window, axe clean, a screenshot. */
async function sweep(lang: 'en' | 'ar', width: number): Promise<void> {
  await page.setViewport({ width, height: 768 });
  for (const step of STEPS) {
    await goTo(step);
    await settled(step);
    const where = `${lang} ${width}px ${step}`;
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), where).toBe('step-title');
    const overflow = await page.evaluate(() => {
      const content = document.querySelector('.content')!;
      return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        content: content.scrollWidth - content.clientWidth,
      };
    });
    expect(overflow, `${where}: wider than the window`).toEqual({ page: 0, content: 0 });
    if (step === 'flows') {
      expect(await page.$$('[data-testid=flow-steps] select[data-testid]'), where).not.toHaveLength(0);
      expect(await clippedSlotDropdowns(), `${where}: slot dropdowns cut off`).toEqual([]);
    }
    await axe(where);
    await shot(`${lang}-${width}-${STEPS.indexOf(step) + 1}-${step}`);
  }
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
  it('goes from the demo workspace to a saved sign-off email, every step accessible in English and Arabic', async () => {
    const ws = path.join(demoDir, 'ws');
    await page.setViewport({ width: 1366, height: 768 });
    await page.goto(host.url);
    await page.waitForSelector('[data-testid=welcome]');
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');

    // Welcome: a relative path is refused before anything is created, an absolute new folder can be created, a
    // folder without certkit.json cannot be opened. The language switch is on Welcome too.
    await page.type('[data-testid=welcome-dir]', 'shops/mine');
    await page.waitForSelector('[data-testid=welcome-dir-status][data-state=relative]');
    expect(await page.$eval('[data-testid=welcome-create]', (el) => (el as HTMLButtonElement).disabled)).toBe(true);
    await axe('en welcome, relative path');
    await shot('0-welcome-relative');
    await page.click('[data-testid=welcome-dir]', { count: 3 });
    await page.type('[data-testid=welcome-dir]', path.join(demoDir, 'no-such-shop'));
    await page.waitForSelector('[data-testid=welcome-dir-status][data-state=new]');
    expect(await page.$eval('[data-testid=welcome-open]', (el) => (el as HTMLButtonElement).disabled)).toBe(true);
    expect(await page.$eval('[data-testid=welcome-create]', (el) => (el as HTMLButtonElement).disabled)).toBe(false);
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    await axe('ar welcome');
    await shot('0-welcome-ar');
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.dir === 'ltr');

    await page.click('[data-testid=welcome-demo]');
    await page.waitForSelector('[data-testid=step-project]', { timeout: 60_000 });

    // 1 Project: narrow the demo to Visa on hosted checkout so the runs stay short; saved as you go.
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

    // 2 Flows: every scenario names the page slots it needs; an import says which it tagged and what is left.
    await goTo('flows');
    await settled('flows');
    const planned = await page.$$eval('[data-testid=flow-scenarios] li[data-has-flow]', (els) =>
      els.map((e) => e.getAttribute('data-testid')!.slice('flow-'.length)),
    );
    expect(planned.length).toBeGreaterThanOrEqual(3);
    expect(
      await page.$$eval('[data-testid=flow-card-declined] [data-slot]', (els) =>
        els.map((e) => e.getAttribute('data-slot')),
      ),
    ).toContain('general.result');
    // The demo's card-declined shares its flow file with card-non3ds-success; the import gives it its own, with
    // the slot tags taken off so the import has to infer them.
    const recording = JSON.parse(await fs.readFile(path.join(ws, saved.flows['card-declined'].file), 'utf8'));
    recording.title = 'Declined card, imported';
    for (const step of recording.steps) delete step.certkit;
    const upload = path.join(demoDir, 'card-declined.json');
    await fs.writeFile(upload, JSON.stringify(recording));
    await importFlowFile(upload, 'card-declined');
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
    const note = await page.waitForSelector('[data-testid=flow-import-note]');
    expect(Number(await note!.evaluate((el) => el.getAttribute('data-tagged')))).toBeGreaterThan(0);
    // Whatever the import could not place is listed as untagged, both on the flow and in the scenario list.
    const untagged = await page.$eval('[data-testid=flow-needs]', (el) => el.getAttribute('data-untagged') ?? '');
    expect(await page.$eval('[data-testid=flow-card-declined]', (el) => el.getAttribute('data-untagged') ?? '')).toBe(
      untagged,
    );
    // The non-3DS card's pre-checkout page is not needed without mada: untagged here, its run will not capture it (the
    // blockers panel asks for it later, when mada is accepted).
    await page.click('[data-testid=flow-open-card-non3ds-success]');
    await page.waitForSelector('[data-testid=flow-steps] tr[data-slot="general.pre_checkout"]');
    const preStep = await page.$eval('[data-testid=flow-steps] tr[data-slot="general.pre_checkout"] select', (el) =>
      Number(el.id.slice('flow-step-slot-'.length)),
    );
    await page.select(`[data-testid=flow-step-slot-${preStep}]`, '');
    await page.waitForSelector('[data-testid=flow-steps] tr[data-slot="general.pre_checkout"]', { hidden: true });
    await page.click('[data-testid=flow-open-card-declined]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=flow-detail] h2')?.textContent === 'Declined card, imported',
    );
    await noError();

    // 3 Run: progress counts against the whole plan from the start; only the log scrolls; a summary at the end.
    await goTo('run');
    await settled('run');
    await page.click('[data-testid=run-start]');
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=run-progress]')?.getAttribute('data-total') === String(n),
      { timeout: 20_000 },
      planned.length,
    );
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-log] li').length > 3);
    const controls = await page.evaluate(() => {
      const stop = document.querySelector('[data-testid=run-stop]')!.getBoundingClientRect();
      const hit = document.elementFromPoint(stop.left + stop.width / 2, stop.top + stop.height / 2);
      return {
        windowScroll: window.scrollY,
        contentScroll: document.querySelector('.content')!.scrollTop,
        stopVisible: !!hit?.closest('[data-testid=run-stop]'),
      };
    });
    expect(controls).toEqual({ windowScroll: 0, contentScroll: 0, stopVisible: true });
    await runEnded();
    const progress = await page.$eval('[data-testid=run-progress]', (el) => ({
      total: el.getAttribute('data-total'),
      passed: el.getAttribute('data-passed'),
      failed: el.getAttribute('data-failed'),
    }));
    expect(progress).toEqual({ total: String(planned.length), passed: String(planned.length), failed: '0' });
    await page.waitForSelector('[data-testid=run-scenarios] .thumb img');
    expect(await text('[data-testid=run-log]')).toMatch(/finished: \d+ passed, 0 failed/);
    expect(await page.$('[data-testid=run-to-evidence]')).not.toBeNull();
    await shot('3-run-finished');
    // "Run the probe" from the panel: the checkpoints that waited for the response probes are decided by them (the
    // simulator answers as a correct store), so they leave the list without a hand confirmation. The panel asks the
    // engine again once the run has ended: its list is read after it has arrived.
    await page.waitForSelector('[data-testid=signoff] [data-testid=fix-probe]', { timeout: 60_000 });
    const probed = await page.$$eval('[data-testid=signoff] [data-testid=blocker]', (els) =>
      els.filter((e) => e.querySelector('[data-testid=fix-probe]')).map((e) => e.getAttribute('data-checkpoint')),
    );
    expect(probed.length).toBeGreaterThan(0);
    await page.click('[data-testid=signoff] [data-testid=fix-probe]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=signoff] [data-testid=fix-probe]'), {
      timeout: 120_000,
    });
    const afterProbe = await page.$$eval('[data-testid=signoff] [data-testid=blocker]', (els) =>
      els.map((e) => `${e.getAttribute('data-checkpoint')} ${e.getAttribute('data-kind')}: ${e.textContent}`),
    );
    // Each probed checkpoint is decided, or (when the probe could not tell) waits for a hand confirmation only.
    const stillProbed = afterProbe.filter((b) => probed.includes(b.split(' ')[0]));
    expect(stillProbed.length).toBeLessThan(probed.length);
    for (const b of stillProbed) expect(b).toMatch(/^\S+ checkpoint-needs-confirmation: /);
    await noError();
    const runs = await fs.readdir(path.join(ws, 'runs'));
    expect(runs.length).toBe(1);
    const declined = JSON.parse(
      await fs.readFile(path.join(ws, 'runs', runs[0], 'card-declined', 'scenario.json'), 'utf8'),
    );
    expect(declined.status).toBe('passed');
    expect(declined.ledger.values.merchant_reference).toBeTruthy();

    // A stopped run: the counts start again from the whole plan, and what Stop ended is neither failed nor skipped.
    await page.click('[data-testid=run-start]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=run-progress]')?.getAttribute('data-done') === '0',
    );
    // Stopped while a scenario is in flight, so that one's evidence is an unfinished attempt (a blocker).
    await page.waitForSelector('[data-testid=run-scenarios] li[data-status=running]', { timeout: 60_000 });
    await page.click('[data-testid=run-stop]');
    await runEnded();
    const stopped = await page.$eval('[data-testid=run-progress]', (el) => ({
      total: Number(el.getAttribute('data-total')),
      failed: Number(el.getAttribute('data-failed')),
      stopped: Number(el.getAttribute('data-stopped')),
    }));
    expect(stopped.total).toBe(planned.length);
    expect(stopped.failed).toBe(0);
    expect(stopped.stopped).toBeGreaterThan(0);
    await shot('3b-run-stopped');
    // Each scenario Stop left unfinished is a blocker with its own re-run button; pressing them finishes the job.
    let reruns = 0;
    for (let i = 0; i < planned.length + 1; i++) {
      const rerun = await page.$('[data-testid=signoff] [data-testid^=fix-rerun-]');
      if (!rerun) break;
      const id = await rerun.evaluate((el) => el.getAttribute('data-testid'));
      await rerun.click();
      reruns++;
      await page.waitForFunction(
        () => !!(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled,
      );
      await runEnded();
      // The run's scenario passed, so its blocker (and its button) goes once the panel has asked the engine again.
      await page.waitForSelector(`[data-testid=${id}]`, { hidden: true, timeout: 60_000 });
    }
    expect(reruns).toBeGreaterThan(0);
    expect(await page.$('[data-testid=signoff] [data-testid^=fix-rerun-]')).toBeNull();
    await noError();

    // "Tag the step": with mada accepted, card payments need a pre-checkout screenshot, and the non-3DS card's evidence
    // has none (its flow has no step for it since the untagging above). The panel asks which step shows that page, tags it,
    // then offers the run that fills the slot; after that run the blocker is gone.
    await goTo('project');
    await setChecked('method-MADA', true);
    await savedMethods(ws, (m) => m.includes('MADA'));
    await goTo('package');
    const missingPre =
      '[data-testid=signoff] [data-testid=blocker][data-kind=slot-missing][data-scenario=card-non3ds-success][data-slot="general.pre_checkout"]';
    const tagPre = `${missingPre} [data-testid="fix-tag-card-non3ds-success-general.pre_checkout"]`;
    await page.waitForSelector(tagPre, { timeout: 60_000 });
    expect(await page.$(`${missingPre} [data-testid=fix-rerun-card-non3ds-success]`)).toBeNull();
    await page.click(tagPre);
    const which = await page.waitForSelector('[data-testid="tag-step-general.pre_checkout"]');
    const flow3ds = path.join(ws, saved.flows['card-non3ds-success'].file);
    const shopStep = JSON.parse(await fs.readFile(flow3ds, 'utf8')).steps.findIndex(
      (st: { type: string }) => st.type === 'navigate',
    );
    await which!.select(String(shopStep));
    await axe('en package, tag-step form');
    await shot('3c-package-tag-step');
    await page.click('[data-testid="tag-apply-general.pre_checkout"]');
    await page.waitForSelector(`${missingPre} [data-testid=fix-rerun-card-non3ds-success]`, { timeout: 30_000 });
    expect(JSON.parse(await fs.readFile(flow3ds, 'utf8')).steps[shopStep].certkit).toEqual({
      slot: 'general.pre_checkout',
    });
    await page.click(`${missingPre} [data-testid=fix-rerun-card-non3ds-success]`);
    await page.waitForSelector('[data-testid=step-run]');
    await page.waitForFunction(
      () => !!(document.querySelector('[data-testid=run-start]') as HTMLButtonElement).disabled,
    );
    await runEnded();
    expect((await readScenario(ws, 'card-non3ds-success')).screenshots.map((x: { slot?: string }) => x.slot)).toContain(
      'general.pre_checkout',
    );
    await goTo('package');
    await page.waitForSelector('[data-testid=signoff] [data-testid=blocker]', { timeout: 60_000 });
    await page.waitForSelector(missingPre, { hidden: true, timeout: 60_000 });
    await noError();
    // Back to Visa only, so the rest stays short.
    await goTo('project');
    await setChecked('method-MADA', false);
    await savedMethods(ws, (m) => !m.includes('MADA'));

    // 4 Evidence: gallery with images, every required slot captured, ledger filled from traffic.
    await goTo('evidence');
    await settled('evidence');
    const missing = await page.$$eval('[data-testid=slots] li[data-filled=false]', (els) =>
      els.map((e) => e.getAttribute('data-testid')),
    );
    expect(missing).toEqual([]);
    // A screenshot opens in a labelled dialog that takes focus, and gives it back when closed.
    await page.focus('[data-testid=evidence-card-declined] .shot-img');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=lightbox] .lightbox-img img', { timeout: 30_000 });
    expect(await text('[data-testid=lightbox]')).toContain('http://127.0.0.1:');
    const dialog = await page.evaluate(() => {
      const d = document.querySelector('[data-testid=lightbox] [role=dialog]')!;
      return {
        modal: d.getAttribute('aria-modal'),
        named: !!document.getElementById(d.getAttribute('aria-labelledby') ?? '')?.textContent,
        focusInside: d.contains(document.activeElement),
      };
    });
    expect(dialog).toEqual({ modal: 'true', named: true, focusInside: true });
    await axe('en evidence, image viewer');
    await page.screenshot({ path: path.join(ARTIFACTS, '4b-evidence-full-size.png') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=lightbox]', { hidden: true });
    expect(await page.evaluate(() => document.activeElement?.classList.contains('shot-img'))).toBe(true);

    // Package while sign-off is blocked: a draft build, and the blockers are still listed after it.
    await goTo('package');
    await settled('package');
    await page.waitForSelector('[data-testid=package-build][data-draft=true]', { timeout: 60_000 });
    expect(await text('[data-testid=package-build]')).toBe('Build draft package');
    const before = await page.$$eval('[data-testid=signoff] [data-testid=blocker]', (els) =>
      els.map((e) => e.getAttribute('data-kind')).filter((k) => !k!.startsWith('package-')),
    );
    expect(before.length).toBeGreaterThan(0);
    await page.click('[data-testid=package-build]');
    await page.waitForSelector('[data-testid=package-draft]', { timeout: 180_000 });
    // The panel asks the engine again after the build: the package's own item changes, the others stay.
    await page.waitForSelector('[data-testid=signoff] [data-kind=package-draft]', { timeout: 60_000 });
    await page.waitForFunction(() => !document.querySelector('.content .spinner'), { timeout: 60_000 });
    const after = await page.$$eval('[data-testid=signoff] [data-testid=blocker]', (els) =>
      els.map((e) => e.getAttribute('data-kind')),
    );
    expect(after.filter((k) => !k!.startsWith('package-'))).toEqual(before);
    await shot('4c-package-draft');

    // Email while blocked: saving asks first, and what it writes says DRAFT.
    await goTo('email');
    await settled('email');
    await page.waitForSelector('[data-testid=email-blocked]');
    await page.click('[data-testid=email-save]');
    await page.waitForSelector('[data-testid=draft-dialog]');
    await axe('en email, draft question');
    await page.click('[data-testid=draft-confirm]');
    await page.waitForSelector('[data-testid=email-saved]');
    expect(await text('[data-testid=email-saved]')).toContain('signoff-email-DRAFT.eml');
    await fs.access(path.join(ws, 'output', 'signoff-email-DRAFT.eml'));

    // A checkpoint confirmed from the blockers panel, with its note, where the blocker is listed. The email states
    // what blocks sign-off, so from the moment the panel counts one less, the preview of before is gone.
    const fromPanel = await page.$eval('[data-testid=signoff] [data-testid^=fix-confirm-]', (el) =>
      el.getAttribute('data-testid')!.slice('fix-confirm-'.length),
    );
    const oldBody = await text('[data-testid=email-preview] .email-body');
    const oldCount = await text('[data-testid=signoff-count]');
    await watchEmail();
    await page.click(`[data-testid=fix-confirm-${fromPanel}]`);
    await page.type(`[data-testid=signoff-note-${fromPanel}]`, `Checked by hand for ${fromPanel}`);
    await page.click(`[data-testid=signoff-confirm-${fromPanel}]`);
    await page.waitForSelector(`[data-testid=fix-confirm-${fromPanel}]`, { hidden: true, timeout: 60_000 });
    await page.waitForFunction(
      (old) => {
        const body = document.querySelector('[data-testid=email-preview] .email-body')?.textContent;
        return !!body && body !== old;
      },
      { timeout: 60_000 },
      oldBody,
    );
    const seenAfterConfirm = await emailSeen();
    expect(seenAfterConfirm.some((v) => v.count !== oldCount)).toBe(true);
    expect(seenAfterConfirm.filter((v) => v.count !== oldCount && v.body === oldBody)).toEqual([]);
    // The DRAFT saved before no longer matches either: its "saved to" notice is gone with the old preview.
    expect(await page.$('[data-testid=email-saved]')).toBeNull();

    // 5 Checklist: confirm the rest that only the engineer can confirm, each with a note; focus stays on the item.
    await goTo('checklist');
    await settled('checklist');
    // One at a time, each from the list as it is after the previous answer (the step re-verifies as it opens).
    const toConfirm: string[] = [];
    for (let i = 0; i < 20; i++) {
      const next = await page.$('[data-testid=checks] li[data-status=needs-confirmation]');
      if (!next) break;
      const id = (await next.evaluate((e) => e.getAttribute('data-testid')!)).slice('check-'.length);
      await page.type(`[data-testid=note-${id}]`, `Checked by hand for ${id}`);
      await page.click(`[data-testid=confirm-${id}]`);
      await page.waitForSelector(`[data-testid=check-${id}][data-status=confirmed]`, { timeout: 30_000 });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`check-title-${id}`);
      toConfirm.push(id);
    }
    const confirmations = JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8')).confirmations;
    for (const id of [fromPanel, ...toConfirm])
      expect(confirmations[id]).toMatchObject({ confirmed: true, note: `Checked by hand for ${id}` });
    const open = await page.$$eval('[data-testid=checks] li', (els) =>
      els
        .filter((e) => ['failed', 'no-evidence', 'needs-confirmation'].includes(e.getAttribute('data-status')!))
        // Status and text too, so a failure on CI says why the checkpoint stayed open.
        .map((e) => `${e.getAttribute('data-testid')} ${e.getAttribute('data-status')}: ${e.textContent}`),
    );
    expect(open).toEqual([]);
    await noError();

    // 6 Package: nothing but the package blocks now, so the build is final; every file within 20 MB.
    await goTo('package');
    await settled('package');
    await page.waitForSelector('[data-testid=package-build][data-draft=false]', { timeout: 60_000 });
    expect(await page.$('[data-testid=package-blocked]')).toBeNull();
    await page.click('[data-testid=package-build]');
    await page.waitForSelector('[data-testid=signoff-ready]', { timeout: 180_000 });
    await noError();
    const pkgDir = path.join(ws, 'output', 'package');
    const built = (await fs.readdir(pkgDir)).filter((f) => /\.(zip|pdf)$/.test(f));
    expect(built.filter((f) => f.startsWith('DRAFT_'))).toEqual([]);
    expect(built.some((f) => f.endsWith('.zip'))).toBe(true);
    expect(built.some((f) => f.endsWith('.pdf'))).toBe(true);
    for (const f of built) expect((await fs.stat(path.join(pkgDir, f))).size).toBeLessThanOrEqual(20 * 1024 * 1024);
    await page.click('[data-testid=package-open]');
    await page.waitForSelector('[data-testid=package-folder]');
    expect(opened).toEqual([path.join(ws, 'output')]);

    // 7 Email: final now, saved without a question. The draft preview seen before is never shown again, not even
    // while the final one loads.
    await watchEmail();
    await goTo('email');
    await settled('email');
    expect(await text('[data-testid=email-preview]')).toContain('Integration Sign-off - Certkit Demo Store');
    const seenFinal = await emailSeen();
    expect(seenFinal.filter((v) => v.blocked || v.body === oldBody)).toEqual([]);
    expect(await page.$('[data-testid=email-blocked]')).toBeNull();
    await page.click('[data-testid=email-save]');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=email-saved]')?.textContent?.includes('signoff-email.eml'),
    );
    expect(await page.$('[data-testid=draft-dialog]')).toBeNull();
    const eml = await fs.readFile(path.join(ws, 'output', 'signoff-email.eml'), 'utf8');
    expect(eml).toMatch(/^To: integration-ps@amazon\.com/m);
    expect(eml).toMatch(/^Subject: Integration Sign-off - Certkit Demo Store/m);
    await noError();

    // Evidence from beyond the browser: a phone's screens for card-declined, chosen as files (the drop zone's input),
    // become that scenario's evidence with their provenance, and the metadata the phone wrote is gone.
    await goTo('evidence');
    await settled('evidence');
    await page.select('[data-testid=attach-scenario]', 'card-declined');
    await page.type('[data-testid=attach-url]', 'Shop app > Order declined');
    const beforeAttach = (await readScenario(ws, 'card-declined')).runId;
    for (const slot of CATALOG.scenarios.get('card-declined').slots) {
      const phone = path.join(demoDir, `${slot}.jpg`);
      await sharp({ create: { width: 390, height: 844, channels: 3, background: '#dde4ee' } })
        .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'GPS-Tagged' } })
        .jpeg()
        .toFile(phone);
      await page.select('[data-testid=attach-slot]', slot);
      const file = await page.waitForSelector('[data-testid=attach-file]:not([disabled])');
      await (file as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(phone);
      await page.waitForFunction(
        (id) =>
          [...document.querySelectorAll(`[data-testid=evidence-card-declined] figure[data-slot="${id}"]`)].some((f) =>
            f.textContent?.includes('Shop app > Order declined'),
          ),
        { timeout: 30_000 },
        slot,
      );
    }
    const attached = await readScenario(ws, 'card-declined');
    expect(attached.runId).not.toBe(beforeAttach);
    expect(attached).toMatchObject({ imported: true, status: 'passed' });
    expect(attached.screenshots.map((sh: { url: string }) => sh.url)).toEqual(
      CATALOG.scenarios.get('card-declined').slots.map(() => 'Shop app > Order declined'),
    );
    for (const sh of attached.screenshots as { file: string }[]) {
      const stored = await fs.readFile(path.join(ws, 'runs', attached.runId, 'card-declined', sh.file));
      expect(stored.includes(Buffer.from('GPS-Tagged'))).toBe(false);
    }
    await noError();
    await shot('6b-evidence-imported');

    // Every step, in both languages, at the usual laptop width and near the window's minimum.
    await sweep('en', 1366);
    await sweep('en', 1024);
    await page.click('[data-testid=lang-toggle]');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await text('[data-testid=nav-email]')).not.toMatch(/[a-z]/i);
    await sweep('ar', 1366);
    expect(await text('[data-testid=step-title]')).toBe('البريد');
    expect(await text('[data-testid=step-email]')).toContain('البريد');
    await goTo('checklist');
    // The checklist's names come from the catalog, in Arabic too.
    expect(await text('[data-testid=step-checklist]')).toContain('بريد العميل الحقيقي');
    // Each checkpoint says in Arabic what its status means, above the verifier's English detail.
    const leads = await page.$$eval('[data-testid^=check-lead-]', (els) => els.map((e) => e.textContent ?? ''));
    expect(leads.length).toBe((await page.$$('[data-testid=checks] li')).length);
    for (const lead of leads) expect(lead).toMatch(/[\u0600-\u06FF]{3}/);
    await sweep('ar', 1024);
    expect(violations).toEqual([]);
  }, 900_000);

  it('says why a malformed flow cannot be imported in Arabic in the Arabic view', async () => {
    if ((await page.evaluate(() => document.documentElement.dir)) !== 'rtl') {
      await page.click('[data-testid=lang-toggle]');
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    }
    await goTo('flows');
    // JSON with steps, so it passes the page's own check and reaches the engine, which refuses the unknown step.
    const upload = path.join(demoDir, 'card-declined-broken.json');
    await fs.writeFile(upload, JSON.stringify({ title: 'Broken', steps: [{ type: 'no-such-step' }] }));
    await importFlowFile(upload, 'card-declined');
    const message = await page.waitForSelector('[data-testid=error-banner] .banner-message[lang=ar]');
    expect(await message!.evaluate((el) => el.textContent)).toMatch(/^card-declined\.json: الخطوة 1 غير صالحة/);
    expect(await text('[data-testid=error-banner] .banner-hint')).toMatch(/سجّل المسار من جديد/);
    await shot('ar-flow-import-error');
  }, 120_000);
});

describe('the blockers panel in a new workspace', () => {
  it('imports a flow and adds a snippet (in Arabic) from the panel; a later success takes an error down', async () => {
    // A workspace of its own, made on Welcome, behind a second host (another origin: English, nothing remembered).
    const base = tempDir('certkit-e2e-new-').dir;
    const second = await startHost({
      env: process.env,
      demoDir: path.join(base, 'demo'),
      recent: new MemoryRecentStore(),
      openPath: async () => false,
    });
    try {
      const ws = path.join(base, 'shop');
      await page.setViewport({ width: 1024, height: 768 });
      await page.goto(second.url);
      await page.waitForSelector('[data-testid=welcome]');
      await page.type('[data-testid=welcome-dir]', ws);
      await page.waitForSelector('[data-testid=welcome-dir-status][data-state=new]');
      await page.click('[data-testid=welcome-create]');
      await page.waitForSelector('[data-testid=step-project]', { timeout: 60_000 });

      // "Import its flow": a scenario without a flow takes the person to the import, set to that scenario.
      await goTo('package');
      await (await page.waitForSelector('[data-testid=fix-add-flow-card-declined]', { timeout: 60_000 }))!.click();
      await page.waitForSelector('[data-testid=step-flows]');
      await page.waitForFunction(() => document.activeElement?.id === 'flow-file-input');
      expect(await page.$eval('[data-testid=flow-name]', (el) => (el as HTMLSelectElement).value)).toBe(
        'card-declined',
      );
      const file = await page.$('[data-testid=flow-file]');
      await (file as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
        path.join(ROOT, 'assets/demo-flows/card-no-challenge.json'),
      );
      await page.waitForSelector('[data-testid=flow-import]:not([disabled])', { timeout: 10_000 });
      await page.click('[data-testid=flow-import]');
      await page.waitForSelector('[data-testid=flow-detail] [data-testid=flow-steps]', { timeout: 30_000 });
      const saved = JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8'));
      expect(saved.flows['card-declined']?.file).toBeTruthy();
      await noError();

      // A refused import puts up its error; the next thing the person does that works (here: untagging the result
      // step, another call than the one that failed) takes it down.
      const broken = path.join(base, 'broken.json');
      await fs.writeFile(broken, JSON.stringify({ title: 'Broken', steps: [{ type: 'no-such-step' }] }));
      await (
        (await page.$('[data-testid=flow-file]')) as unknown as { uploadFile(p: string): Promise<void> }
      ).uploadFile(broken);
      await page.select('[data-testid=flow-name]', 'card-non3ds-success');
      await page.waitForSelector('[data-testid=flow-import]:not([disabled])', { timeout: 10_000 });
      await page.click('[data-testid=flow-import]');
      await page.waitForSelector('[data-testid=error-banner]', { timeout: 30_000 });
      expect(await text('[data-testid=error-banner]')).toMatch(/step 1 is invalid/);
      const resultStep = await page.$eval('[data-testid=flow-steps] tr[data-slot="general.result"] select', (el) =>
        Number(el.id.slice('flow-step-slot-'.length)),
      );
      await page.select(`[data-testid=flow-step-slot-${resultStep}]`, '');
      await page.waitForSelector('[data-testid=flow-steps] tr[data-slot="general.result"]', { hidden: true });
      await page.waitForSelector('[data-testid=error-banner]', { hidden: true, timeout: 10_000 });
      const flowFile = path.join(ws, saved.flows['card-declined'].file);
      expect(JSON.parse(await fs.readFile(flowFile, 'utf8')).steps[resultStep].certkit).toBeUndefined();

      // The scenario has a flow now: its blocker asks for a run instead of an import.
      await goTo('package');
      await page.waitForSelector('[data-testid=signoff] [data-testid=fix-rerun-card-declined]', { timeout: 60_000 });
      expect(await page.$('[data-testid=fix-add-flow-card-declined]')).toBeNull();

      // "Add the snippet", in Arabic: Apple Pay asks for two code snippets; the one added leaves the list.
      await page.click('[data-testid=lang-toggle]');
      await page.waitForFunction(() => document.documentElement.dir === 'rtl');
      await goTo('project');
      await setChecked('method-APPLE_PAY', true);
      await savedMethods(ws, (m) => m.includes('APPLE_PAY'));
      // The form's save keeps the flow imported since the form loaded (it once wrote the workspace as first read).
      expect(JSON.parse(await fs.readFile(path.join(ws, 'certkit.json'), 'utf8')).flows['card-declined']).toBeTruthy();
      await goTo('package');
      const networks = '[data-testid=blocker][data-slot="apple_pay.networks_code"]';
      await page.waitForSelector(networks, { timeout: 60_000 });
      expect(await text(networks)).toMatch(/[\u0600-\u06FF]{3}/);
      // The package's own list names the missing snippets in Arabic, with no CLI command to type.
      await page.waitForSelector('[data-testid=package-missing]');
      const missingBefore = await text('[data-testid=package-missing]');
      expect(missingBefore).toContain('شبكات الدفع المدعومة');
      expect(missingBefore).not.toMatch(/certkit|Code snippet/);
      await page.click(`${networks} [data-testid=fix-snippet-apple_pay\\.networks_code]`);
      const code = "const supportedNetworks = ['visa', 'masterCard', 'mada', 'amex'];";
      await page.type('[data-testid=signoff-snippet-apple_pay\\.networks_code]', code);
      await axe('ar 1024px package, snippet form');
      await shot('8-ar-1024-package-snippet');
      await page.click('[data-testid=signoff-snippet-add-apple_pay\\.networks_code]');
      await page.waitForSelector(networks, { hidden: true, timeout: 60_000 });
      expect(await page.$('[data-testid=blocker][data-slot="apple_pay.capabilities_code"]')).not.toBeNull();
      expect(await page.$('[data-testid=fix-rerun-card-declined]')).not.toBeNull();
      // The package's own list of what is missing follows too.
      await page.waitForFunction(
        () => !document.querySelector('[data-testid=package-missing]')?.textContent?.includes('شبكات الدفع المدعومة'),
        { timeout: 30_000 },
      );
      expect(await text('[data-testid=package-missing]')).toContain('إعدادات قدرات التاجر');
      const snippets = await fs.readdir(path.join(ws, 'snippets'));
      const stored = await Promise.all(
        snippets.filter((f) => !f.endsWith('.png')).map((f) => fs.readFile(path.join(ws, 'snippets', f), 'utf8')),
      );
      expect(stored.some((t) => t.includes(code))).toBe(true);
      await noError();
      await shot('8-ar-1024-package-after-snippet');
      expect(violations).toEqual([]);
    } finally {
      await second.close();
    }
  }, 300_000);
});

/** A scenario's evidence as the newest-evidence rule picks it (the scenario.json of its newest run). */
async function readScenario(ws: string, id: string) {
  const runs = (await fs.readdir(path.join(ws, 'runs'))).sort();
  for (const run of runs.reverse()) {
    const file = path.join(ws, 'runs', run, id, 'scenario.json');
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text) return JSON.parse(text);
  }
  throw new Error(`no evidence of ${id} in ${ws}`);
}
