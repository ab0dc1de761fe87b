import { CATALOG } from '../../../shared/aps/catalog-index';
import { MESSAGE_TEXT } from '../../../shared/aps/codes';
import { paramFormatProblem } from '../../../shared/aps/params';
import { requestIdOf, unknownParams } from '../../../shared/aps/request-params';
import { SHA_TYPES, SHA_TYPE_LABELS, TOKENIZATION_UNSIGNED_FIELDS, type ShaType } from '../../../shared/aps/sha';
import { LOCAL_TEST_VALUES, testCard } from '../../../shared/aps/test-cards';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { both, concatBoth, joinBoth, verbatim, type Bilingual } from '../../../shared/text';
import {
  hashSignatureString,
  renderValue,
  signatureBody,
  signaturesEqual,
  signedFieldNames,
  verifySignature,
  type ApsParams,
} from '../aps/signature';
import type { MerchantSecrets } from '../workspace/secrets';
import { SECRET_MARKER } from '../redact/index';
import {
  anyPayment,
  apsRequests,
  exchangeRef,
  noEvidence,
  returnPosts,
  unrecordedRequests,
  str,
  type Check,
  type EvidenceRef,
} from './context';

const TEXT = {
  emptySigned: (empties: string[]) =>
    both(
      `the signature includes the empty parameter(s) ${empties.join(', ')}; APS signs only parameters that have a value`,
      `يشمل التوقيع المعاملات الفارغة ${empties.join('، ')}؛ ولا يوقّع APS إلا المعاملات التي لها قيمة`,
    ),
  responsePhrase: both(
    'the request was signed with the SHA response phrase; requests take the SHA request phrase',
    'وُقّع الطلب بعبارة SHA للردود؛ والطلبات توقَّع بعبارة SHA للطلبات',
  ),
  otherSha: (used: string, account: string) =>
    both(
      `the request was hashed with ${used}, but the account is set to ${account}`,
      `حُسب تجزيء الطلب بـ ${used}، لكن الحساب مضبوط على ${account}`,
    ),
  oneEnd: both(
    'the phrase was added at one end only; it goes before and after the parameter string',
    'أُضيفت العبارة في طرف واحد فقط؛ ومكانها قبل سلسلة المعاملات وبعدها',
  ),
  addedAfter: (name: string) =>
    both(
      `the signed field set differs from the posted one: ${name} is posted but was not signed (added after signing)`,
      `الحقول الموقّعة تختلف عن الحقول المُرسلة: ${name} مُرسَل لكنه لم يُوقَّع (أُضيف بعد التوقيع)`,
    ),
  cardSigned: (fields: string[]) =>
    both(
      `card fields (${fields.join(', ')}) were signed; in the tokenization form APS leaves them out`,
      `وُقّعت حقول البطاقة (${fields.join('، ')})؛ وهي لا تدخل في توقيع APS في نموذج tokenization`,
    ),
  unexplained: (signed: string[]) =>
    both(
      `no known mistake reproduces it; APS signs exactly ${signed.join(', ')} (sorted, phrase on both ends) — check the phrase, the SHA type and that values are signed exactly as posted (UTF-8, no HTML entities)`,
      `لا يفسّره أي خطأ معروف؛ يوقّع APS بالضبط ${signed.join('، ')} (مرتّبة، والعبارة في الطرفين)، فتحقّق من العبارة ومن نوع SHA ومن أن القيم توقَّع كما أُرسلت تمامًا (UTF-8، دون HTML entities)`,
    ),
  noSignature: both('carries no signature', 'لا يحمل signature'),
  needsAccessCode: both('needs the access code, CERTKIT_ACCESS_CODE', 'يلزم رمز الوصول، CERTKIT_ACCESS_CODE'),
  masked: (fields: string[]) =>
    both(`${fields.join(', ')} masked in the recording`, `${fields.join('، ')} مخفية في التسجيل`),
  droppedValue: (fields: string[]) =>
    both(
      `${fields.join(', ')} is not recorded, and the value the customer typed does not reproduce the signature`,
      `${fields.join('، ')} غير مسجَّل، والقيمة التي أدخلها العميل لا تعيد إنتاج التوقيع`,
    ),
  mismatch: (cause: Bilingual) => both(`signature does not match: ${cause.en}`, `التوقيع غير مطابق: ${cause.ar}`),
  none: both('no request to APS was recorded', 'لم يُسجَّل أي طلب إلى APS'),
  bodyLost: (id: string, kind: string) =>
    both(
      `${id} ${kind} (its body was not captured before the page moved on)`,
      `${id} ${kind} (لم يُلتقط محتواه قبل أن تنتقل الصفحة)`,
    ),
  apsAnswered: (code: string, message: string) =>
    both(`APS answered ${code} (${message})`, `ردّ APS بالرمز ${code} (${message})`),
  extra: (names: string[]) =>
    both(
      `posts parameter(s) APS refuses as extra (00027): ${names.join(', ')}`,
      `يرسل معاملات يرفضها APS لأنها زائدة (00027): ${names.join('، ')}`,
    ),
  format: (err: Bilingual) => both(`APS would refuse the format: ${err.en}`, `سيرفض APS الصيغة: ${err.ar}`),
  applePhrases: (label: string) =>
    both(
      `${label} (Apple Pay is signed with the separate Apple Pay phrases)`,
      `${label} (يوقَّع Apple Pay بعبارات Apple Pay المنفصلة)`,
    ),
  because: (label: string, why: Bilingual) => concatBoth(`${label} (`, why, ')'),
  failure: (label: string, problems: Bilingual[]) => concatBoth(`${label}: `, joinBoth(problems)),
  fix: both(
    "Build the signature on your server from exactly the parameters you post: drop parameters without a value before signing, sort by name, join as name=value with no separator, put the SHA request phrase before and after, hash with the account's SHA type; post only parameters APS documents for this request.",
    'ابنِ التوقيع على خادمك من المعاملات التي ترسلها بالضبط: احذف المعاملات التي لا قيمة لها قبل التوقيع، ورتّبها حسب الاسم، واجمعها بصيغة name=value دون فاصل، وضع عبارة SHA للطلبات قبلها وبعدها، واحسب التجزيء بنوع SHA المضبوط في الحساب؛ ولا ترسل إلا المعاملات التي يوثّقها APS لهذا الطلب.',
  ),
  needPhrase: (count: number) =>
    both(
      `needs the request phrase to recompute ${count} request signature(s); no parameter APS would refuse was found`,
      `يلزم توفير عبارة SHA للطلبات لإعادة حساب ${count} من توقيعات الطلبات؛ ولم يُعثر على أي معامل سيرفضه APS`,
    ),
  needPhraseFix: both(
    "Give the SHA request phrase (CERTKIT_SHA_REQUEST_PHRASE and CERTKIT_SHA_TYPE, or the app's keychain) and verify again, or confirm with a note.",
    'أدخل عبارة SHA للطلبات (CERTKIT_SHA_REQUEST_PHRASE و CERTKIT_SHA_TYPE، أو سلسلة مفاتيح التطبيق) ثم تحقّق مرة أخرى، أو أكّد بملاحظة.',
  ),
  unverifiable: (verified: number, which: Bilingual[]) => {
    const list = joinBoth(which, ', ');
    return both(
      `${verified ? `${verified} signature(s) verified; ` : ''}could not recompute: ${list.en}`,
      `${verified ? `تم التحقق من ${verified} من التوقيعات؛ ` : ''}تعذّرت إعادة الحساب: ${list.ar}`,
    );
  },
  unverifiableFix: both(
    'Confirm with a note that these requests are signed the same way.',
    'أكّد بملاحظة أن هذه الطلبات موقّعة بالطريقة نفسها.',
  ),
  passed: (verified: number, relayed: number) =>
    both(
      `${verified} request signature(s) recomputed and matched${relayed ? ` (${relayed} server-to-server call(s) recorded by the relay)` : ''}; no parameter APS would refuse`,
      `أُعيد حساب ${verified} من توقيعات الطلبات وتطابقت${relayed ? ` (منها ${relayed} من الطلبات بين الخوادم سجّلها المُرحِّل)` : ''}؛ ولا يوجد معامل سيرفضه APS`,
    ),
};

/** Failures of several requests, each with its own "; " list, are told apart by a bar in both languages. */
function barJoined(parts: Bilingual[]): Bilingual {
  return both(parts.map((p) => p.en).join(' | '), parts.map((p) => p.ar).join(' | '));
}

/** Fields whose format has its own checkpoint, so one mistake is reported once, where the fix is explained. */
const OWNED_ELSEWHERE = new Set([
  'customer_email',
  'customer_ip',
  'amount',
  'currency',
  'command',
  'return_url',
  'phone_number',
  'otp',
  'agreement_id',
  'recurring_mode',
  'recurring_transactions_count',
  'recurring_expiry_date',
  'recurring_days_between_payments',
]);

// Evidence recorded before the engine had one redactor marks removed secrets with these.
const OLDER_MARKERS = ['[removed]', '[secret]'];

/** A value the recorder replaced (card data, secrets): it cannot take part in a recomputed signature. */
export function looksMasked(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    (/\*{2,}|•|x{4,}/i.test(value) ||
      /^<[a-z_ -]+>$/i.test(value) ||
      value.includes(SECRET_MARKER) ||
      OLDER_MARKERS.includes(value))
  );
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Parameters in `fields` that APS would refuse with 00027 on a browser post to paymentPage. */
export function extraParams(fields: Record<string, unknown>): string[] {
  const id = requestIdOf(fields, 'paymentPage');
  return id ? unknownParams(id, fields) : [];
}

export interface SignatureDiagnosis {
  ok: boolean;
  /** Why it does not match, in the merchant's terms (when a known mistake reproduces the posted signature). */
  cause?: Bilingual;
  /** No known mistake reproduces the posted signature. */
  unexplained?: boolean;
  /** The field names APS signs for this request. */
  signedFields: string[];
}

function hashWith(body: string, phrase: string, sha: ShaType): string {
  return hashSignatureString(phrase + body + phrase, phrase, sha);
}

/**
 * Recomputes a request signature and, when it differs, tries the mistakes integrators make (pitfalls 1, 2, 7):
 * empty parameters signed, the response phrase used, another SHA type, the phrase on one end only, a field
 * added after signing, card fields signed in a tokenization form.
 */
export function diagnoseRequestSignature(
  params: ApsParams,
  secrets: Required<Pick<MerchantSecrets, 'requestPhrase'>> & MerchantSecrets,
): SignatureDiagnosis {
  const { requestPhrase: phrase, shaType } = secrets;
  const received = str(params.signature) ?? '';
  const signedFields = signedFieldNames(params);
  const result = verifySignature(params, phrase, shaType);
  if (result.ok) return { ok: true, signedFields };
  const matches = (candidate: string) => received !== '' && signaturesEqual(candidate, received);
  const tokenization = str(params.service_command) === 'TOKENIZATION';
  const excluded = new Set<string>(['signature', ...(tokenization ? TOKENIZATION_UNSIGNED_FIELDS : [])]);

  const empties = Object.keys(params).filter((k) => !excluded.has(k) && (params[k] === '' || params[k] === null));
  if (empties.length) {
    const all = Object.keys(params)
      .filter((k) => !excluded.has(k))
      .sort(byCodeUnit);
    const body = all.map((k) => `${k}=${renderValue(params[k])}`).join('');
    if (matches(hashWith(body, phrase, shaType))) {
      return {
        ok: false,
        signedFields,
        cause: TEXT.emptySigned(empties),
      };
    }
  }
  const body = signatureBody(params);
  if (secrets.responsePhrase && matches(hashWith(body, secrets.responsePhrase, shaType))) {
    return {
      ok: false,
      signedFields,
      cause: TEXT.responsePhrase,
    };
  }
  for (const other of SHA_TYPES) {
    if (other !== shaType && matches(hashWith(body, phrase, other))) {
      return {
        ok: false,
        signedFields,
        cause: TEXT.otherSha(SHA_TYPE_LABELS[other], SHA_TYPE_LABELS[shaType]),
      };
    }
  }
  const oneEnd = [phrase + body, body + phrase].map((t) => hashSignatureString(t, phrase, shaType));
  if (oneEnd.some(matches))
    return {
      ok: false,
      signedFields,
      cause: TEXT.oneEnd,
    };
  for (const name of signedFields) {
    const without = signedFields
      .filter((f) => f !== name)
      .map((k) => `${k}=${renderValue(params[k])}`)
      .join('');
    if (matches(hashWith(without, phrase, shaType))) {
      return {
        ok: false,
        signedFields,
        cause: TEXT.addedAfter(name),
      };
    }
  }
  if (tokenization) {
    const withCard = Object.keys(params)
      .filter((k) => k !== 'signature' && params[k] !== '' && params[k] != null)
      .sort(byCodeUnit);
    if (matches(hashWith(withCard.map((k) => `${k}=${renderValue(params[k])}`).join(''), phrase, shaType))) {
      return {
        ok: false,
        signedFields,
        cause: TEXT.cardSigned(TOKENIZATION_UNSIGNED_FIELDS.filter((f) => f in params)),
      };
    }
  }
  return {
    ok: false,
    signedFields,
    cause: TEXT.unexplained(signedFields),
    unexplained: true,
  };
}

/** The same request seen by the browser and in the simulator's log counts once. */
function dedupe(requests: { ev: ScenarioEvidence; x: Exchange }[]): { ev: ScenarioEvidence; x: Exchange }[] {
  const seen = new Set<string>();
  return requests.filter(({ ev, x }) => {
    const f = x.requestFields;
    const key = [
      ev.scenarioId,
      x.kind,
      str(f.signature),
      str(f.merchant_reference),
      str(f.command),
      str(f.service_command),
    ].join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** APS's answer to a request: the JSON response, or the return POST for the same merchant_reference. */
function apsAnswerCode(ev: ScenarioEvidence, x: Exchange): string | undefined {
  if (x.kind === 'paymentApi') return str(x.responseFields?.response_code);
  const ref = str(x.requestFields.merchant_reference);
  const ret = returnPosts(ev).find(
    (r) => str(r.requestFields.merchant_reference) === ref && r.startedAt >= x.startedAt,
  );
  return str(ret?.requestFields.response_code);
}

/**
 * Values the recorders drop (one-time codes, CVV) but that were signed: the ones this scenario's customer typed.
 * Trying them lets a correct signature be confirmed without ever storing the value.
 */
function droppedCandidates(ev: ScenarioEvidence, fields: ApsParams): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const sc = CATALOG.scenarios.find(ev.scenarioId);
  if (fields.otp === undefined && fields.digital_wallet === 'STCPAY' && str(fields.command)) {
    for (const v of Object.values(LOCAL_TEST_VALUES.STCPAY))
      if (typeof v === 'object' && v.otp) out.push({ otp: v.otp });
  }
  if (fields.card_security_code === undefined && str(fields.token_name) && sc?.card)
    out.push({ card_security_code: testCard(sc.card).cvv });
  return out;
}

type Recomputed = { ok: true } | { ok: false; problem?: Bilingual; unverifiable?: Bilingual };

function recompute(
  ev: ScenarioEvidence,
  recorded: ApsParams,
  secrets: MerchantSecrets & { requestPhrase: string },
): Recomputed {
  if (!str(recorded.signature)) return { ok: false, problem: TEXT.noSignature };
  const fields: ApsParams = { ...recorded };
  // The recorder removes the access code from evidence; the real one comes back from the secrets.
  const codeHidden = fields.access_code === undefined || looksMasked(fields.access_code);
  if (codeHidden && !secrets.accessCode) return { ok: false, unverifiable: TEXT.needsAccessCode };
  if (codeHidden) fields.access_code = secrets.accessCode;
  const masked = signedFieldNames(fields).filter((k) => looksMasked(fields[k]));
  if (masked.length) return { ok: false, unverifiable: TEXT.masked(masked) };
  const d = diagnoseRequestSignature(fields, secrets);
  if (d.ok) return { ok: true };
  const candidates = droppedCandidates(ev, fields);
  for (const extra of candidates) {
    if (diagnoseRequestSignature({ ...fields, ...extra }, secrets).ok) return { ok: true };
  }
  if (candidates.length && d.unexplained)
    return { ok: false, unverifiable: TEXT.droppedValue(Object.keys(candidates[0])) };
  return { ok: false, problem: TEXT.mismatch(d.cause ?? verbatim('')) };
}

export const checkRequestSignature: Check = (ctx) => {
  const requests = dedupe(ctx.scenarios.flatMap((ev) => apsRequests(ev).map((x) => ({ ev, x }))));
  if (!requests.length) return noEvidence(ctx, anyPayment(ctx), TEXT.none);
  const failures: Bilingual[] = [];
  const unverifiable: Bilingual[] = ctx.scenarios.flatMap((ev) =>
    unrecordedRequests(ev).map((x) => TEXT.bodyLost(ev.scenarioId, x.kind)),
  );
  const evidence: EvidenceRef[] = [];
  let verified = 0;
  const secrets = ctx.secrets;
  for (const { ev, x } of requests) {
    const fields = { ...x.requestFields } as ApsParams;
    const label = `${ev.scenarioId} ${str(fields.command) ?? str(fields.service_command) ?? str(fields.query_command) ?? x.kind}`;
    const problems: Bilingual[] = [];
    const code = apsAnswerCode(ev, x);
    if (code?.endsWith('008')) problems.push(TEXT.apsAnswered(code, MESSAGE_TEXT['008']));
    if (code?.endsWith('027')) problems.push(TEXT.apsAnswered(code, MESSAGE_TEXT['027']));
    if (x.kind === 'paymentPage' && x.observedBy === 'browser') {
      const extra = extraParams(fields);
      if (extra.length) problems.push(TEXT.extra(extra));
    }
    for (const [name, value] of Object.entries(fields)) {
      const text = str(value);
      if (text === undefined || looksMasked(text) || OWNED_ELSEWHERE.has(name)) continue;
      const err = paramFormatProblem(name, text);
      if (err) problems.push(TEXT.format(err));
    }
    const apple = fields.digital_wallet === 'APPLE_PAY';
    const keys = apple ? ctx.appleSecrets : secrets;
    if (!keys?.requestPhrase) {
      unverifiable.push(apple ? TEXT.applePhrases(label) : verbatim(label));
    } else {
      const outcome = recompute(ev, fields, { ...keys, requestPhrase: keys.requestPhrase });
      if (outcome.ok) verified++;
      else if (outcome.problem) problems.push(outcome.problem);
      else if (outcome.unverifiable) unverifiable.push(TEXT.because(label, outcome.unverifiable));
    }
    evidence.push(
      exchangeRef(
        ev,
        x,
        problems.length
          ? problems.map((p) => p.en).join('; ')
          : `signed fields: ${signedFieldNames(fields).join(', ')}`,
      ),
    );
    if (problems.length) failures.push(TEXT.failure(label, problems));
  }
  if (failures.length) {
    return { status: 'failed', summary: barJoined(failures), fix: TEXT.fix, evidence };
  }
  if (unverifiable.length) {
    const needPhrase = !secrets?.requestPhrase;
    return {
      status: 'needs-confirmation',
      summary: needPhrase ? TEXT.needPhrase(unverifiable.length) : TEXT.unverifiable(verified, unverifiable),
      fix: needPhrase ? TEXT.needPhraseFix : TEXT.unverifiableFix,
      evidence,
    };
  }
  const relayed = requests.filter(({ x }) => x.observedBy === 'relay').length;
  return {
    status: 'passed',
    summary: TEXT.passed(verified, relayed),
    evidence,
  };
};
