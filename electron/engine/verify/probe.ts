import { CATALOG } from '../../../shared/aps/catalog-index';
import { classifyResponse } from '../../../shared/aps/codes';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { computeSignature, type ApsParams } from '../aps/signature';
import type { MerchantSecrets } from '../workspace/secrets';
import { looksMasked } from './request-signature';
import { textShowsAmount } from './amount';
import { hostOf, isLoopbackOrPrivate, returnPosts, str, type VerifyContext } from './context';
import { errorMessage } from '../errors';
import { both, type Bilingual } from '../../../shared/text';

// The probes send a modified APS result to the merchant's return_url, the way an attacker would: a changed
// field with the old signature (the merchant must check the signature) and a changed amount signed correctly
// (the merchant must check the amount against the order). They run only when asked, never against production.

/** What the probes say about what they changed and why they did or did not run; the checks quote these. */
const TEXT = {
  unpaidAmount: (code: string, from: string, to: string) =>
    both(
      `status ${code} -> 14000 Success and amount ${from} -> ${to} on an order APS had declined, correctly signed with the response phrase`,
      `الحالة من ${code} إلى 14000 Success والمبلغ من ${from} إلى ${to} لطلب رفضه APS، بتوقيع صحيح بعبارة الردود`,
    ),
  unchanged: both('unchanged', 'دون تغيير'),
  paidAmount: (from: string, to: string) =>
    both(
      `amount ${from} -> ${to}, correctly signed with the response phrase`,
      `المبلغ من ${from} إلى ${to}، بتوقيع صحيح بعبارة الردود`,
    ),
  settledOrder: both(
    'the order was already paid, and the shop showed the same confirmation for the unchanged answer as for the changed one (a settled order ignores later answers), so this cannot tell whether the amount is checked; a declined scenario in the run gives the probe an unpaid order',
    'كان الطلب مدفوعًا من قبل، وعرض المتجر التأكيد نفسه للرد غير المعدّل وللرد المعدّل (فالطلب المُسوّى يتجاهل الردود اللاحقة)، لذا لا يمكن من هذا معرفة ما إذا كان المبلغ يُفحص؛ وسيناريو مرفوض في التشغيل يعطي الاختبار طلبًا غير مدفوع',
  ),
  declinedToSuccess: (code: string) =>
    both(
      `declined result (${code}) changed to 14000 Success, original signature kept`,
      `نتيجة مرفوضة (${code}) حُوّلت إلى 14000 Success مع إبقاء التوقيع الأصلي`,
    ),
  amountKeptSignature: (from: string, to: string) =>
    both(`amount ${from} -> ${to}, original signature kept`, `المبلغ من ${from} إلى ${to} مع إبقاء التوقيع الأصلي`),
  production: both(
    'the workspace points at production; probes only run against loopback, simulator or staging stores',
    'مساحة العمل موجّهة إلى بيئة الإنتاج (production)؛ ولا تُرسل الاختبارات إلا إلى متجر على loopback أو المحاكي أو بيئة staging',
  ),
  publicStore: (url: string) =>
    both(
      `${url} is public and the workspace is not marked as a staging (sandbox) store`,
      `${url} عنوان عام، ومساحة العمل غير معلَّمة على أنها متجر staging (sandbox)`,
    ),
  notRequested: both('not requested (opt in with --probe-response)', 'لم يُطلب (فعّله بالخيار --probe-response)'),
  nothingToReplay: both(
    'no result posted back to return_url was recorded to replay',
    'لم تُسجَّل أي نتيجة أُعيدت إلى return_url لإعادة إرسالها',
  ),
  noResponsePhrase: both(
    'the SHA response phrase is not set, so no feedback post can be signed',
    'عبارة SHA للردود غير مضبوطة، فلا يمكن توقيع أي إرسال إلى عناوين feedback',
  ),
  noSuccessToSend: both(
    'no successful result posted back to return_url was recorded to send',
    'لم تُسجَّل أي نتيجة ناجحة أُعيدت إلى return_url لإرسالها',
  ),
};

export type ProbeVerdict = 'rejected' | 'accepted' | 'unclear' | 'error';

export interface ProbeResult {
  verdict: ProbeVerdict;
  scenarioId: string;
  /** What was changed, e.g. "status 13 -> 14 with the original signature". */
  change: Bilingual;
  url: string;
  httpStatus?: number;
  /** The start of the page the merchant answered with, tags removed. */
  pageText?: string;
  error?: string;
  /** Why the verdict is what it is, when the page alone does not say (an order already paid showing itself again). */
  note?: Bilingual;
}

/** One feedback URL, sent a correctly signed result twice, as APS does when it retries. */
export interface FeedbackProbe {
  kind: 'direct' | 'notification';
  url: string;
  scenarioId: string;
  /** The HTTP status of the first post and of the repeat. */
  statuses: number[];
  /** The start of the last answer's body. */
  answer?: string;
  error?: string;
}

export interface ProbeResults {
  signature?: ProbeResult;
  amount?: ProbeResult;
  feedback?: FeedbackProbe[];
  /** Why probes did not run. */
  skipped?: Bilingual;
  /** Why the feedback URLs were not probed when the other probes were. */
  feedbackSkipped?: Bilingual;
}

/** The go-live page refuses placeholder URLs in Technical Settings; these are the ones it names and their kin. */
const PLACEHOLDER_HOST = /(^|\.)(apple\.com|google\.com|example\.(com|org|net))$/i;
export const isPlaceholderUrl = (url: string) => PLACEHOLDER_HOST.test(hostOf(url) ?? '');

/** The feedback URLs the workspace names, in the order APS's Technical Settings lists them. */
export function feedbackTargets(workspace: VerifyContext['workspace']): { kind: FeedbackProbe['kind']; url: string }[] {
  const out: { kind: FeedbackProbe['kind']; url: string }[] = [];
  if (workspace.store.directFeedbackUrl) out.push({ kind: 'direct', url: workspace.store.directFeedbackUrl });
  if (workspace.store.notificationFeedbackUrl)
    out.push({ kind: 'notification', url: workspace.store.notificationFeedbackUrl });
  return out;
}

const REJECTION =
  /signature|tamper|invalid|mismatch|does not match|not accepted|reject|refus|not verified|could not (be )?(verif|confirm)|unverified|forbidden|error|fail|declin|cancel|did not go through|غير صالح|مرفوض|فشل|خطأ/i;
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

/** What of the merchant's answer page is kept with a probe: its start, where the outcome is told. */
const PAGE_TEXT_KEPT = 400;

/** POSTs the form like APS's auto-submitted page, then follows redirects with GET as a browser would. */
export async function postForm(
  url: string,
  fields: Record<string, string>,
  timeoutMs = 15000,
): Promise<{ status: number; text: string }> {
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
  return { status: res.status, text: visibleText(await res.text()).slice(0, 4000) };
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

interface Recorded {
  ev: ScenarioEvidence;
  x: Exchange;
  fields: Record<string, string>;
}

/** Recorded results posted to return_url, one per scenario, of the wanted kind. */
function pickAll(ctx: VerifyContext, wanted: 'success' | 'declined'): Recorded[] {
  const out: Recorded[] = [];
  for (const ev of ctx.scenarios) {
    const found = pickIn(ctx, ev, wanted);
    if (found) out.push(found);
  }
  return out;
}

function pickIn(ctx: VerifyContext, ev: ScenarioEvidence, wanted: 'success' | 'declined'): Recorded | undefined {
  {
    for (const x of returnPosts(ev)) {
      const fields = asStrings(x.requestFields);
      // APS echoes the access code, which the recorder drops; putting it back makes the replay differ in one field only.
      const code = fields?.response_code;
      if (fields && ctx.secrets?.accessCode && (fields.access_code === undefined || looksMasked(fields.access_code)))
        fields.access_code = ctx.secrets.accessCode;
      if (!fields || !code || !fields.signature || !fields.amount) continue;
      const cls = classifyResponse(code);
      if (wanted === 'success' && cls === 'success' && CATALOG.scenarios.find(ev.scenarioId)?.outcome !== 'declined')
        return { ev, x, fields };
      if (wanted === 'declined' && cls === 'declined') return { ev, x, fields };
    }
  }
  return undefined;
}

const pick = (ctx: VerifyContext, wanted: 'success' | 'declined') => pickAll(ctx, wanted)[0];

async function send(
  ev: ScenarioEvidence,
  x: Exchange,
  fields: Record<string, string>,
  change: Bilingual,
): Promise<ProbeResult> {
  return (await sendReading(ev, x, fields, change)).result;
}

/** The probe, and the merchant's whole answer page (only its start is kept with the result). */
async function sendReading(
  ev: ScenarioEvidence,
  x: Exchange,
  fields: Record<string, string>,
  change: Bilingual,
): Promise<{ result: ProbeResult; text: string }> {
  const base = { scenarioId: ev.scenarioId, change, url: x.url };
  try {
    const { status, text } = await postForm(x.url, fields);
    const result: ProbeResult = {
      ...base,
      verdict: pageVerdict(status, text),
      httpStatus: status,
      pageText: text.slice(0, PAGE_TEXT_KEPT),
    };
    return { result, text };
  } catch (err) {
    return { result: { ...base, verdict: 'error', error: errorMessage(err) }, text: '' };
  }
}

/** The fields as APS would sign them: a fresh signature with the response phrase over everything else. */
function signedAnswer(
  fields: Record<string, string>,
  responsePhrase: string,
  shaType: MerchantSecrets['shaType'],
): Record<string, string> {
  const { signature: _old, ...rest } = fields;
  void _old;
  return { ...rest, signature: computeSignature(rest as ApsParams, responsePhrase, shaType, { response: true }) };
}

function bumpAmount(amount: string): string {
  return String(BigInt(amount) + 100n);
}

/**
 * The amount probe on an order APS declined, so never paid: its answer turned into a success for another amount,
 * signed correctly. Only the amount check can refuse it; a shop that shows success took an amount it never asked for.
 */
async function amountOnUnpaidOrder(d: Recorded, secrets: MerchantSecrets): Promise<ProbeResult> {
  const amount = bumpAmount(d.fields.amount);
  const changed = signedAnswer(
    { ...d.fields, status: '14', response_code: '14000', response_message: 'Success', amount },
    secrets.responsePhrase!,
    secrets.shaType,
  );
  return send(d.ev, d.x, changed, TEXT.unpaidAmount(d.fields.response_code, d.fields.amount, amount));
}

/**
 * Without a declined order, the paid one: a correct shop ignores a later answer for a settled order and shows its
 * confirmation again, which looks like acceptance. So the unchanged answer goes first; when the changed one gets the
 * same success and its page does not show the changed amount, the probe cannot tell, and says so.
 */
async function amountOnPaidOrder(s: Recorded, secrets: MerchantSecrets): Promise<ProbeResult> {
  const phrase = secrets.responsePhrase!;
  const amount = bumpAmount(s.fields.amount);
  const baseline = await send(s.ev, s.x, signedAnswer(s.fields, phrase, secrets.shaType), TEXT.unchanged);
  const changed = signedAnswer({ ...s.fields, amount }, phrase, secrets.shaType);
  const { result, text } = await sendReading(s.ev, s.x, changed, TEXT.paidAmount(s.fields.amount, amount));
  const showsChanged = textShowsAmount(text, amount, s.fields.currency ?? '');
  if (result.verdict === 'accepted' && baseline.verdict === 'accepted' && !showsChanged) {
    return {
      ...result,
      verdict: 'unclear',
      note: TEXT.settledOrder,
    };
  }
  return result;
}

export function probeRefusal(ctx: VerifyContext): Bilingual | undefined {
  if (ctx.workspace.account.environment === 'production') return TEXT.production;
  const urls = [
    ...ctx.scenarios.flatMap((ev) => returnPosts(ev).map((x) => x.url)),
    ...feedbackTargets(ctx.workspace).map((t) => t.url),
  ];
  const publicUrl = urls.find((u) => !isLoopbackOrPrivate(hostOf(u) ?? ''));
  if (publicUrl && ctx.workspace.account.environment !== 'sandbox') return TEXT.publicStore(publicUrl);
  return undefined;
}

/** Runs the opt-in probes once per verification. */
export async function runProbes(ctx: VerifyContext): Promise<ProbeResults> {
  if (!ctx.probeResponseSignature) return { skipped: TEXT.notRequested };
  const refusal = probeRefusal(ctx);
  if (refusal) return { skipped: refusal };
  const results: ProbeResults = {};
  // A declined result turned into a success is the clearest test: only the signature can tell them apart.
  const declined = pick(ctx, 'declined');
  const success = pick(ctx, 'success');
  if (declined) {
    const f = { ...declined.fields, status: '14', response_code: '14000', response_message: 'Success' };
    results.signature = await send(declined.ev, declined.x, f, TEXT.declinedToSuccess(declined.fields.response_code));
  } else if (success) {
    const f = { ...success.fields, amount: bumpAmount(success.fields.amount) };
    results.signature = await send(success.ev, success.x, f, TEXT.amountKeptSignature(success.fields.amount, f.amount));
  }
  if (ctx.secrets?.responsePhrase) {
    // The signature probe may have settled its order (a shop that skips the check marks it paid): use another one.
    const used = declined ? declined.ev : success?.ev;
    const fresh = pickAll(ctx, 'declined').find((d) => d.ev !== used);
    if (fresh) results.amount = await amountOnUnpaidOrder(fresh, ctx.secrets);
    else if (success) results.amount = await amountOnPaidOrder(success, ctx.secrets);
  }
  if (!results.signature && !results.amount) results.skipped = TEXT.nothingToReplay;
  // Placeholders fail without a post: nobody should receive a payment result meant for the merchant.
  const targets = feedbackTargets(ctx.workspace).filter((t) => !isPlaceholderUrl(t.url));
  if (targets.length) {
    if (!ctx.secrets?.responsePhrase) results.feedbackSkipped = TEXT.noResponsePhrase;
    else if (!success) results.feedbackSkipped = TEXT.noSuccessToSend;
    else {
      // Signed afresh: the recorded fields have the card number masked, which the original signature did not cover.
      const body = signedAnswer(success.fields, ctx.secrets.responsePhrase, ctx.secrets.shaType);
      results.feedback = [];
      for (const t of targets) results.feedback.push(await sendFeedback(t.kind, t.url, success.ev.scenarioId, body));
    }
  }
  return results;
}

/** APS posts feedback as JSON and counts 2xx or 302 as delivered; anything else is retried (10 times, 10 s apart). */
async function sendFeedback(
  kind: FeedbackProbe['kind'],
  url: string,
  scenarioId: string,
  body: Record<string, string>,
): Promise<FeedbackProbe> {
  const probe: FeedbackProbe = { kind, url, scenarioId, statuses: [] };
  try {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(15000),
      });
      probe.statuses.push(res.status);
      probe.answer = visibleText(await res.text()).slice(0, 200);
    }
  } catch (err) {
    probe.error = errorMessage(err);
  }
  return probe;
}
