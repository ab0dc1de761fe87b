import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { escapeHtml } from '../../shared/html';
import { PLANTED } from '../helpers/planted';
import { CATALOG } from '../../shared/aps/catalog-index';
import { EVIDENCE_VERSION, type ScenarioEvidence, type Screenshot } from '../../shared/schema/evidence';
import type { WorkspaceInput } from '../../shared/schema/workspace';
import { slotsForScenario } from '../../shared/plan';
import { saveWorkspace } from '../../electron/engine/workspace/workspace';
import { scenarioDir, writeRunIndex, writeScenarioEvidence } from '../../electron/engine/evidence/store';

// Synthetic evidence shaped like the capture engine's: a JPEG per slot with a drawn URL header, scenario.json with
// ledger and exchanges. With plantSecrets, secrets and full card numbers are planted unredacted where a careless
// merchant page would leak them (page text, URLs, form and JSON bodies), so the package's own redaction is what
// keeps them out.

export { PLANTED } from '../helpers/planted';

export async function makeWorkspace(dir: string, overrides: Partial<WorkspaceInput> = {}): Promise<void> {
  await saveWorkspace(dir, {
    version: 1,
    account: { name: 'Desert Rose Trading', merchantIdentifier: 'DRT001', environment: 'sandbox' },
    integrationTypes: ['hosted'],
    methods: ['VISA', 'MASTERCARD', 'KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY'],
    ...overrides,
  });
}

const bodyCache = new Map<string, Buffer>();

/** A page body: flat blocks (compresses like a real page) or noise (large, like a photo-heavy page). */
async function body(width: number, height: number, noisy: boolean, seed: number): Promise<Buffer> {
  const key = `${width}x${height}:${noisy}:${seed % 3}`;
  const hit = bodyCache.get(key);
  if (hit) return hit;
  let img: Buffer;
  if (noisy) {
    const raw = Buffer.alloc(width * height * 3);
    let x = 2463534242 + seed;
    for (let i = 0; i < raw.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      raw[i] = (x >>> 24) & 0xff;
    }
    img = await sharp(raw, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
  } else {
    const blocks = Array.from(
      { length: Math.ceil(height / 220) },
      (_, i) =>
        `<rect x="40" y="${20 + i * 220}" width="${width - 80}" height="180" fill="hsl(${(i * 47 + seed * 13) % 360},45%,86%)"/>` +
        `<text x="60" y="${80 + i * 220}" font-family="DejaVu Sans" font-size="28" fill="#333">Section ${i + 1}</text>`,
    ).join('');
    img = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${blocks}</svg>`,
    );
  }
  bodyCache.set(key, img);
  return img;
}

export interface ShotSpec {
  url: string;
  width?: number;
  height?: number;
  noisy?: boolean;
  quality?: number;
  arabic?: boolean;
  seed?: number;
}

/** JPEG with a 56 px header drawing the URL and time at 16 px, the way the capture engine draws it. */
export async function makeShot(spec: ShotSpec): Promise<Buffer> {
  const width = spec.width ?? 1280;
  const height = spec.height ?? 1600;
  const header = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="56">
<rect width="100%" height="56" fill="#e8eaed"/><rect x="12" y="10" width="${width - 24}" height="36" rx="18" fill="#fff"/>
<text x="32" y="34" font-family="DejaVu Sans" font-size="16" fill="#202124">${escapeHtml(spec.url)}</text>
<text x="${width - 32}" y="34" font-family="DejaVu Sans" font-size="13" fill="#5f6368" text-anchor="end">2026-11-27 21:04:05 +03:00</text></svg>`);
  const page = await body(width, height - 56, !!spec.noisy, spec.seed ?? 0);
  const overlays: OverlayOptions[] = [
    { input: header, top: 0, left: 0 },
    { input: page, top: 56, left: 0 },
  ];
  if (spec.arabic) {
    overlays.push({
      input: Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80"><text x="${width - 60}" y="50" font-family="Noto Naskh Arabic, Noto Sans Arabic" font-size="34" text-anchor="end">صفحة الدفع - نابس</text></svg>`,
      ),
      top: 90,
      left: 0,
    });
  }
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(overlays)
    .jpeg({ quality: spec.quality ?? 82 })
    .toBuffer();
}

export interface EvidenceOptions {
  runId?: string;
  /** Scenario ids to write; default: every scenario of the workspace plan given. */
  scenarios: string[];
  methods: WorkspaceInput['methods'];
  shot?: (scenarioId: string, slot: string, index: number) => Partial<ShotSpec>;
  /** Reuse a few generated images by copying (keeps the 300-screenshot test fast). */
  distinctImages?: number;
  plantSecrets?: boolean;
  /** Screenshots per slot (a long flow captures the same slot several times). */
  repeat?: number;
}

export async function writeEvidence(wsDir: string, opts: EvidenceOptions): Promise<{ runId: string; shots: number }> {
  const runId = opts.runId ?? '2026-11-27T21-00-00-000Z-ab12';
  const index: Record<string, { dir: string; status: 'passed' }> = {};
  const made: Buffer[] = [];
  const metaCache = new Map<Buffer, Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>>();
  let count = 0;
  for (const [si, id] of opts.scenarios.entries()) {
    const sc = CATALOG.scenarios.get(id);
    const slots = slotsForScenario(sc, {
      methods: opts.methods,
      integrationTypes: ['hosted'],
      features: { installments: false, savedCards: false, recurring: false },
    }).filter((s) => !s.includes('_code'));
    const dir = scenarioDir(wsDir, runId, id);
    await fs.mkdir(dir, { recursive: true });
    const ref = `DRT-${sc.method}-${si + 101}`;
    const shots: Screenshot[] = [];
    const expanded = slots.flatMap((s) => Array.from({ length: opts.repeat ?? 1 }, () => s));
    for (const [i, slot] of expanded.entries()) {
      const extra = opts.shot?.(id, slot, i) ?? {};
      const url =
        extra.url ??
        `https://shop.desertrose.example/${sc.language === 'ar' ? 'ar/' : ''}checkout/${slot.split('.')[1]}?order=${ref}${opts.plantSecrets ? `&dbg=${encodeURIComponent(PLANTED.responsePhrase)}&pan=${PLANTED.cardDashed}` : ''}`;
      let jpeg: Buffer;
      if (opts.distinctImages && made.length >= opts.distinctImages) jpeg = made[count % made.length];
      else {
        jpeg = await makeShot({ url, arabic: sc.language === 'ar', seed: count, ...extra });
        made.push(jpeg);
      }
      const file = `${String(i + 1).padStart(2, '0')}-${slot.replace('.', '-')}.jpg`;
      await fs.writeFile(path.join(dir, file), jpeg);
      const meta = metaCache.get(jpeg) ?? (await sharp(jpeg).metadata());
      metaCache.set(jpeg, meta);
      shots.push({
        file,
        rawFile: `raw/${file}`,
        slot,
        url,
        title: sc.language === 'ar' ? 'الدفع - متجر وردة الصحراء' : `Checkout - ${slot}`,
        capturedAt: `2026-11-27T21:${String(i % 60).padStart(2, '0')}:05+03:00`,
        timeZone: 'Asia/Riyadh',
        step: i,
        stepLabel: `step ${i}`,
        width: meta.width!,
        height: meta.height!,
        bytes: jpeg.length,
        failure: false,
        text: opts.plantSecrets
          ? `Thank you. Card ${PLANTED.card} (${PLANTED.cardSpaced}) debug phrase ${PLANTED.requestPhrase}, code ${PLANTED.accessCode}`
          : 'Thank you',
        lang: sc.language,
        dir: sc.language === 'ar' ? 'rtl' : 'ltr',
      });
      count++;
    }
    const ev: ScenarioEvidence = {
      version: EVIDENCE_VERSION,
      runId,
      scenarioId: id,
      status: 'passed',
      startedAt: '2026-11-27T18:00:00.000Z',
      finishedAt: '2026-11-27T18:01:00.000Z',
      customer: {
        email: `buyer${si}@example.net`,
        name: opts.plantSecrets ? `Buyer ${PLANTED.cardSpaced}` : `Buyer ${si}`,
      },
      screenshots: shots,
      exchanges: [
        {
          id: `${id}-x1`,
          kind: 'paymentPage',
          method: 'POST',
          url: `https://sbcheckout.payfort.com/FortAPI/paymentPage${opts.plantSecrets ? `?dbg=${PLANTED.accessCode}&card_number=${encodeURIComponent(PLANTED.cardSpaced)}&return_url=${encodeURIComponent(`https://shop.desertrose.example/r?p=${PLANTED.requestPhrase}`)}` : ''}`,
          requestFields: {
            command: 'PURCHASE',
            merchant_reference: ref,
            amount: '1000',
            currency: 'SAR',
            customer_email: `buyer${si}@example.net`,
            ...(opts.plantSecrets
              ? {
                  access_code: PLANTED.accessCode,
                  card_number: PLANTED.card,
                  note: `phrase=${PLANTED.responsePhrase}`,
                  signature_debug: `${PLANTED.requestPhrase}access_code=x`,
                  form_copy: new URLSearchParams({ p: PLANTED.requestPhrase, card: PLANTED.cardDashed }).toString(),
                  json_copy: JSON.stringify({ card_number: PLANTED.cardSpaced, phrase: PLANTED.responsePhrase }),
                }
              : {}),
          },
          responseStatus: 200,
          responseFields: { fort_id: `1699962000${si}0541234`, response_code: '14000', response_message: 'Success' },
          startedAt: '2026-11-27T18:00:30.000Z',
          step: 1,
          frame: 'top',
          popup: false,
          observedBy: 'browser',
        },
      ],
      ledger: {
        values: {
          merchant_reference: ref,
          fort_id: `1699962000${si}0541234`,
          ...(sc.method === 'KNET'
            ? { knet_ref_number: '510000123456', third_party_transaction_number: '202611270001' }
            : {}),
        },
        sources: { merchant_reference: 'traffic', fort_id: 'traffic' },
      },
    };
    await writeScenarioEvidence(wsDir, ev);
    index[id] = { dir: id, status: 'passed' };
  }
  await writeRunIndex(wsDir, {
    version: EVIDENCE_VERSION,
    runId,
    startedAt: '2026-11-27T18:00:00.000Z',
    scenarios: index,
  });
  return { runId, shots: count };
}
