import { exchangeSchema, type Exchange } from '../../../shared/schema/evidence';
import { createRedactor } from '../redact/index';

export type SimExchange = Exchange & { seq: number };

/** The simulator's log of server-to-server calls, which the browser never sees. */
export interface ExchangeLog {
  since(seq: number): Promise<SimExchange[]>;
  lastSeq(): Promise<number>;
}

export function httpExchangeLog(simulatorOrigin: string): ExchangeLog {
  const get = async (seq: number): Promise<SimExchange[]> => {
    const res = await fetch(new URL(`/__certkit/exchanges?since=${seq}`, simulatorOrigin), {
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`simulator log answered HTTP ${res.status}`);
    const body = (await res.json()) as unknown;
    const list = Array.isArray(body) ? body : ((body as { exchanges?: unknown[] }).exchanges ?? []);
    return list.flatMap((item) => {
      const parsed = exchangeSchema.safeParse(item);
      const seqValue = (item as { seq?: unknown }).seq;
      return parsed.success && typeof seqValue === 'number' ? [{ ...parsed.data, seq: seqValue }] : [];
    });
  };
  return {
    since: get,
    async lastSeq() {
      const all = await get(0);
      return all.reduce((m, x) => Math.max(m, x.seq), 0);
    },
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch (err) {
    if (err instanceof TypeError) return url;
    throw err;
  }
}

const LINK_FIELDS = ['merchant_reference', 'fort_id', 'agreement_id', 'token_name'] as const;

function linkValues(ex: Exchange): string[] {
  const out: string[] = [];
  for (const f of LINK_FIELDS) {
    for (const fields of [ex.requestFields, ex.responseFields ?? {}]) {
      const v = fields[f];
      if (typeof v === 'string' && v) out.push(`${f}=${v}`);
    }
  }
  return out;
}

/**
 * The simulator entries that belong to this scenario: server-to-server calls (API, feedback) that share a
 * merchant_reference or fort_id with what the scenario saw, feedback only when it went to the store's own hosts
 * (`storeHosts`, host:port; empty: any). Browser posts are already in the browser's own
 * record, so they are not doubled. References are followed transitively (a fort_id found via the reference).
 */
export function linkSimulatorExchanges(
  simulator: SimExchange[],
  known: { merchant_reference?: string[]; fort_id?: string[] },
  secrets: string[],
  storeHosts: string[] = [],
): Exchange[] {
  const keys = new Set<string>([
    ...(known.merchant_reference ?? []).map((v) => `merchant_reference=${v}`),
    ...(known.fort_id ?? []).map((v) => `fort_id=${v}`),
  ]);
  // Feedback the simulator sent to another server (the demo store beside it, another shop on the same sandbox) is
  // not this merchant's, whatever reference it carries.
  const forThisStore = (x: SimExchange) =>
    x.kind !== 'feedback' || !storeHosts.length || storeHosts.includes(hostOf(x.url));
  const candidates = simulator.filter((x) => (x.kind === 'paymentApi' || x.kind === 'feedback') && forThisStore(x));
  const picked = new Set<SimExchange>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const ex of candidates) {
      if (picked.has(ex)) continue;
      const links = linkValues(ex);
      // Only references and fort ids tie an exchange to a scenario; tokens are shared by design between scenarios.
      if (!links.some((l) => keys.has(l))) continue;
      picked.add(ex);
      grew = true;
      for (const l of links) if (l.startsWith('merchant_reference=') || l.startsWith('fort_id=')) keys.add(l);
    }
  }
  // The simulator scrubs its own credentials; these are the run's, which may differ (a workspace pointed at the
  // simulator with other secrets).
  const redact = createRedactor(secrets);
  return [...picked]
    .sort((a, b) => a.seq - b.seq)
    .map(({ seq: _seq, ...ex }) => ({
      ...ex,
      id: `s${_seq}`,
      observedBy: 'simulator' as const,
      url: redact.url(ex.url),
      requestFields: redact.fields(ex.requestFields),
      responseFields: ex.responseFields ? redact.fields(ex.responseFields) : undefined,
      ...(ex.redirectedTo ? { redirectedTo: redact.url(ex.redirectedTo) } : {}),
    }));
}
