import { classifyResponse } from '../../../shared/aps/codes';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { computeSignature, type ApsParams } from '../aps/signature';
import { looksMasked } from './request-signature';
import { catalogEntry, hostOf, isLoopbackOrPrivate, returnPosts, str, type VerifyContext } from './context';

// The probes send a modified APS result to the merchant's return_url, the way an attacker would: a changed
// field with the old signature (the merchant must check the signature) and a changed amount signed correctly
// (the merchant must check the amount against the order). They run only when asked, never against production.

export type ProbeVerdict = 'rejected' | 'accepted' | 'unclear' | 'error';

export interface ProbeResult {
  verdict: ProbeVerdict;
  scenarioId: string;
  /** What was changed, e.g. "status 13 -> 14 with the original signature". */
  change: string;
  url: string;
  httpStatus?: number;
  /** The start of the page the merchant answered with, tags removed. */
  pageText?: string;
  error?: string;
}

export interface ProbeResults {
  signature?: ProbeResult;
  amount?: ProbeResult;
  /** Why probes did not run. */
  skipped?: string;
}

const REJECTION = /signature|tamper|invalid|mismatch|does not match|not accepted|reject|refus|not verified|could not be verified|unverified|forbidden|error|fail|declin|cancel|غير صالح|مرفوض|فشل|خطأ/i;
const SUCCESS = /success|thank you|thanks for|paid|approved|confirmed|complete|receipt|تم الدفع|شكرا|ناجح|نجاح/i;

export function pageVerdict(httpStatus: number, text: string): ProbeVerdict {
  if (httpStatus >= 400) return 'rejected';
  if (REJECTION.test(text)) return 'rejected';
  if (SUCCESS.test(text)) return 'accepted';
  return 'unclear';
}

function visibleText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** POSTs the form like APS's auto-submitted page, then follows redirects with GET as a browser would. */
export async function postForm(url: string, fields: Record<string, string>, timeoutMs = 15000): Promise<{ status: number; text: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
    signal,
  });
  let current = url;
  for (let hops = 0; hops < 5 && res.status >= 300 && res.status < 400; hops++) {
    const location = res.headers.get('location');
    if (!location) break;
    current = new URL(location, current).toString();
    res = await fetch(current, { redirect: 'manual', signal });
  }
  return { status: res.status, text: visibleText(await res.text()).slice(0, 400) };
}

function asStrings(fields: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const s = str(v);
    if (s === undefined) return undefined;
    out[k] = s;
  }
  return out;
}

function pick(ctx: VerifyContext, wanted: 'success' | 'declined'): { ev: ScenarioEvidence; x: Exchange; fields: Record<string, string> } | undefined {
  for (const ev of ctx.scenarios) {
    for (const x of returnPosts(ev)) {
      const fields = asStrings(x.requestFields);
      // APS echoes the access code, which the recorder drops; putting it back makes the replay differ in one field only.
      const code = fields?.response_code;
      if (fields && ctx.secrets?.accessCode && (fields.access_code === undefined || looksMasked(fields.access_code))) fields.access_code = ctx.secrets.accessCode;
      if (!fields || !code || !fields.signature || !fields.amount) continue;
      const cls = classifyResponse(code);
      if (wanted === 'success' && cls === 'success' && catalogEntry(ev.scenarioId)?.outcome !== 'declined') return { ev, x, fields };
      if (wanted === 'declined' && cls === 'declined') return { ev, x, fields };
    }
  }
  return undefined;
}

async function send(ev: ScenarioEvidence, x: Exchange, fields: Record<string, string>, change: string): Promise<ProbeResult> {
  const base = { scenarioId: ev.scenarioId, change, url: x.url };
  try {
    const { status, text } = await postForm(x.url, fields);
    return { ...base, verdict: pageVerdict(status, text), httpStatus: status, pageText: text };
  } catch (err) {
    return { ...base, verdict: 'error', error: (err as Error).message };
  }
}

function bumpAmount(amount: string): string {
  return String(BigInt(amount) + 100n);
}

export function probeRefusal(ctx: VerifyContext): string | undefined {
  if (ctx.workspace.account.environment === 'production') return 'the workspace points at production; probes only run against loopback, simulator or staging stores';
  const urls = ctx.scenarios.flatMap((ev) => returnPosts(ev).map((x) => x.url));
  const publicUrl = urls.find((u) => !isLoopbackOrPrivate(hostOf(u) ?? ''));
  if (publicUrl && ctx.workspace.account.environment !== 'sandbox') return `return_url ${publicUrl} is public and the workspace is not marked as a staging (sandbox) store`;
  return undefined;
}

/** Runs the opt-in probes once per verification. */
export async function runProbes(ctx: VerifyContext): Promise<ProbeResults> {
  if (!ctx.probeResponseSignature) return { skipped: 'not requested (opt in with --probe-response)' };
  const refusal = probeRefusal(ctx);
  if (refusal) return { skipped: refusal };
  const results: ProbeResults = {};
  // A declined result turned into a success is the clearest test: only the signature can tell them apart.
  const declined = pick(ctx, 'declined');
  const success = pick(ctx, 'success');
  if (declined) {
    const f = { ...declined.fields, status: '14', response_code: '14000', response_message: 'Success' };
    results.signature = await send(declined.ev, declined.x, f, `declined result (${declined.fields.response_code}) changed to 14000 Success, original signature kept`);
  } else if (success) {
    const f = { ...success.fields, amount: bumpAmount(success.fields.amount) };
    results.signature = await send(success.ev, success.x, f, `amount ${success.fields.amount} -> ${f.amount}, original signature kept`);
  }
  if (success && ctx.secrets?.responsePhrase) {
    const { signature: _old, ...rest } = success.fields;
    void _old;
    const changed: Record<string, string> = { ...rest, amount: bumpAmount(success.fields.amount) };
    changed.signature = computeSignature(changed as ApsParams, ctx.secrets.responsePhrase, ctx.secrets.shaType, { response: true });
    results.amount = await send(success.ev, success.x, changed, `amount ${success.fields.amount} -> ${changed.amount}, correctly signed with the response phrase`);
  }
  if (!results.signature && !results.amount) results.skipped = 'no result posted back to return_url was recorded to replay';
  return results;
}
