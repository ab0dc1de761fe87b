import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { EVIDENCE_VERSION, type Screenshot } from '../../../shared/schema/evidence';
import { WORKSPACE_VERSION } from '../../../shared/schema/workspace';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import type { BenchRow, BenchSection } from './types';
import { scenarioDir, writeRunIndex, writeScenarioEvidence } from '../evidence/store';
import { saveWorkspace } from '../workspace/workspace';
import { buildPackage } from '../package/index';
import { MB } from '../../../shared/limits';

const SHOTS = 200;

/** A full-page capture as the engine makes them: 1280 px wide, several thousand tall, URL header on top. */
async function fullPage(url: string, height: number, seed: number): Promise<Buffer> {
  const rows = Math.ceil(height / 260);
  const blocks = Array.from({ length: rows }, (_, i) => {
    const y = 80 + i * 260;
    return (
      `<rect x="40" y="${y}" width="1200" height="220" rx="8" fill="hsl(${(i * 37 + seed * 11) % 360},40%,90%)"/>` +
      `<text x="64" y="${y + 50}" font-family="DejaVu Sans" font-size="26" fill="#222">Product ${i + 1} - order summary line ${seed}</text>` +
      `<text x="64" y="${y + 96}" font-family="DejaVu Sans" font-size="18" fill="#555">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor ${i * seed}</text>` +
      `<circle cx="1150" cy="${y + 110}" r="60" fill="hsl(${(i * 71) % 360},60%,60%)"/>`
    );
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="${height}"><rect width="100%" height="100%" fill="#fff"/>
<rect width="1280" height="56" fill="#e8eaed"/><rect x="12" y="10" width="1256" height="36" rx="18" fill="#fff"/>
<text x="32" y="34" font-family="DejaVu Sans" font-size="16" fill="#202124">${url}</text>${blocks}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

async function syntheticWorkspace(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-bench-pkg-'));
  const methods = ['VISA', 'MASTERCARD', 'KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY'] as const;
  const ws = await saveWorkspace(dir, {
    version: WORKSPACE_VERSION,
    account: { name: 'Bench Trading' },
    integrationTypes: ['hosted'],
    methods: [...methods],
  });
  const scenarios = buildPlan(ws).scenarios;
  const perScenario = scenarios.map((s) => slotsForScenario(s, ws));
  const slotCount = perScenario.reduce((n, s) => n + s.length, 0);
  const repeat = Math.ceil(SHOTS / slotCount);
  const images = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      fullPage(`https://shop.bench.example/checkout/step-${i}?order=BENCH-${i}`, 4200 + i * 600, i),
    ),
  );
  const runId = '2026-01-01T00-00-00-000Z-bench';
  let made = 0;
  const index: Record<string, { dir: string; status: 'passed' }> = {};
  for (const [si, s] of scenarios.entries()) {
    const sdir = scenarioDir(dir, runId, s.id);
    await fs.mkdir(sdir, { recursive: true });
    const shots: Screenshot[] = [];
    for (const slot of perScenario[si].flatMap((x) => Array.from({ length: repeat }, () => x))) {
      if (made >= SHOTS) break;
      const img = images[made % images.length];
      const file = `${String(shots.length + 1).padStart(3, '0')}.jpg`;
      await fs.writeFile(path.join(sdir, file), img);
      shots.push({
        file,
        rawFile: file,
        slot,
        url: `https://shop.bench.example/${s.id}/${slot}`,
        title: s.language === 'ar' ? 'صفحة الدفع' : 'Checkout',
        capturedAt: '2026-01-01T03:00:00+03:00',
        timeZone: 'Asia/Riyadh',
        step: shots.length,
        stepLabel: slot,
        width: 1280,
        height: 4200 + (made % 4) * 600,
        bytes: img.length,
        failure: false,
      });
      made++;
    }
    await writeScenarioEvidence(dir, {
      version: EVIDENCE_VERSION,
      runId,
      scenarioId: s.id,
      status: 'passed',
      startedAt: '2026-01-01T00:00:00Z',
      customer: { email: 'bench@example.net' },
      screenshots: shots,
      exchanges: [],
      ledger: { values: { merchant_reference: `BENCH-${si}`, fort_id: `17000000000000${si}` }, sources: {} },
    });
    index[s.id] = { dir: s.id, status: 'passed' };
  }
  await writeRunIndex(dir, { version: EVIDENCE_VERSION, runId, startedAt: '2026-01-01T00:00:00Z', scenarios: index });
  return dir;
}

export const packageBench: BenchSection = {
  name: 'package',
  async run(log) {
    const dir = await syntheticWorkspace();
    try {
      const inputBytes = await dirBytes(path.join(dir, 'runs'));
      log(`${SHOTS} full-page screenshots, ${(inputBytes / MB).toFixed(1)} MB of JPEG, packing zip + pdf + report`);
      let peak = process.memoryUsage().rss;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const result = await buildPackage(dir, {
        format: 'both',
        secrets: { shaType: 'sha256' },
        browserEnv: process.env,
        onProgress: (m) => log(`${((performance.now() - t0) / 1000).toFixed(2)}s ${m}`),
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      const largest = Math.max(...result.files.map((f) => f.bytes));
      log(`${result.files.length} files; ${result.warnings.length} warnings`);
      const rows: BenchRow[] = [
        {
          section: 'package',
          name: `${SHOTS} screenshots -> zip+pdf+report wall time`,
          value: seconds,
          unit: 's',
          target: { value: 5, better: 'lower' },
        },
        // The machine is shared; CPU time of this process is the steadier figure (Chromium's own time not included).
        {
          section: 'package',
          name: 'CPU time of this process (user+sys)',
          value: (cpu.user + cpu.system) / 1e6,
          unit: 's',
        },
        {
          section: 'package',
          name: 'peak memory (RSS of this process)',
          value: Math.round(peak / MB),
          unit: 'MB',
          target: { value: 500, better: 'lower' },
        },
        {
          section: 'package',
          name: 'largest file',
          value: Number((largest / MB).toFixed(2)),
          unit: 'MB',
          target: { value: 20, better: 'lower' },
        },
        { section: 'package', name: 'files written', value: result.files.length, unit: 'files' },
      ];
      return rows;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

async function dirBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) n += (await fs.stat(path.join(e.parentPath, e.name))).size;
  }
  return n;
}
