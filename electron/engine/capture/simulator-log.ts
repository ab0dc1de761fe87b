import { exchangeSchema, type Exchange } from '../../../shared/schema/evidence';
import { createRedactor } from '../redact/index';

export type SimExchange = Exchange & { seq: number };

/** What ties simulator entries to a scenario: the references and fort ids it saw. */
export interface LinkKeys {
  merchant_reference: string[];
  fort_id: string[];
}

/** The simulator's log of server-to-server calls, which the browser never sees. */
export interface ExchangeLog {
  /** Entries after `seq`; with `linked`, only those naming its references or fort ids, followed transitively. */
  since(seq: number, linked?: LinkKeys): Promise<SimExchange[]>;
  lastSeq(): Promise<number>;
}

/** Values per query parameter the simulator takes at once. */
const KEYS_PER_QUERY = 100;

export function httpExchangeLog(simulatorOrigin: string): ExchangeLog {
  const get = async (query: Record<string, string>): Promise<{ exchanges: SimExchange[]; lastSeq?: number }> => {
    const url = new URL('/__certkit/exchanges', simulatorOrigin);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`simulator log answered HTTP ${res.status}`);
    const body = (await res.json()) as unknown;
    const list = Array.isArray(body) ? body : ((body as { exchanges?: unknown[] }).exchanges ?? []);
    const lastSeq = (body as { lastSeq?: unknown }).lastSeq;
    const exchanges = list.flatMap((item) => {
      const parsed = exchangeSchema.safeParse(item);
      const seqValue = (item as { seq?: unknown }).seq;
      return parsed.success && typeof seqValue === 'number' ? [{ ...parsed.data, seq: seqValue }] : [];
    });
    return { exchanges, lastSeq: typeof lastSeq === 'number' ? lastSeq : undefined };
  };
  // Only this scenario's entries cross the wire: asked for by reference and fort id, then again for the ones those
  // entries name, until nothing new turns up (a fort id found through a reference, and so on).
  const linkedSince = async (seq: number, linked: LinkKeys): Promise<SimExchange[]> => {
    const found = new Map<number, SimExchange>();
    const asked = { merchant_reference: new Set<string>(), fort_id: new Set<string>() };
    let next = linked;
    for (let round = 0; round < 5; round++) {
      const ask = {
        merchant_reference: [...new Set(next.merchant_reference)].filter((v) => !asked.merchant_reference.has(v)),
        fort_id: [...new Set(next.fort_id)].filter((v) => !asked.fort_id.has(v)),
      };
      if (!ask.merchant_reference.length && !ask.fort_id.length) break;
      const fresh: SimExchange[] = [];
      for (const key of ['merchant_reference', 'fort_id'] as const) {
        ask[key].forEach((v) => asked[key].add(v));
        for (let i = 0; i < ask[key].length; i += KEYS_PER_QUERY) {
          const values = ask[key].slice(i, i + KEYS_PER_QUERY).join(',');
          fresh.push(...(await get({ since: String(seq), [key]: values })).exchanges);
        }
      }
      for (const ex of fresh) found.set(ex.seq, ex);
      next = { merchant_reference: [], fort_id: [] };
      for (const ex of fresh)
        for (const fields of [ex.requestFields, ex.responseFields ?? {}])
          for (const key of ['merchant_reference', 'fort_id'] as const)
            if (typeof fields[key] === 'string' && fields[key]) next[key].push(fields[key]);
    }
    return [...found.values()].sort((a, b) => a.seq - b.seq);
  };
  return {
    since: async (seq, linked) => (linked ? linkedSince(seq, linked) : (await get({ since: String(seq) })).exchanges),
    async lastSeq() {
      const { exchanges, lastSeq } = await get({ since: '0', limit: '0' });
      return lastSeq ?? exchanges.reduce((m, x) => Math.max(m, x.seq), 0);
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
