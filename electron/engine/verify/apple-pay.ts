import { APPLE_PAY_RULES } from '../../../shared/aps/apple-pay';
import type { ApplePayProbe, ScenarioEvidence } from '../../../shared/schema/evidence';
import { both, joinBoth, verbatim, type Bilingual } from '../../../shared/text';
import { noEvidence, type Check, type CheckOutcome, type EvidenceRef, type VerifyContext } from './context';

// mada in Apple Pay needs a newer ApplePaySession and a Saudi merchant country (pitfall 21).
const REQUIRED_NETWORKS: readonly string[] = APPLE_PAY_RULES.requiredNetworks;
const MADA_MIN_VERSION = APPLE_PAY_RULES.madaMinSessionVersion;
const MADA_COUNTRY = APPLE_PAY_RULES.madaCountryCode;
const CAPABILITY = APPLE_PAY_RULES.webCapability;

/** A list in a sentence: each language with its own comma. */
const list = (names: readonly string[]) => joinBoth(names.map(verbatim), ', ');

/** What the Apple Pay checks say, English beside Arabic. */
const TEXT = {
  none: both('the Apple Pay payment request was not recorded', 'لم يُسجَّل طلب الدفع عبر Apple Pay'),
  networks: {
    lacking: (networks: string[], missing: string[]) =>
      both(
        `supportedNetworks [${networks.join(', ')}] lacks ${list(missing).en}`,
        `supportedNetworks [${networks.join(', ')}] لا تتضمن ${list(missing).ar}`,
      ),
    ok: (networks: string[]) =>
      both(`supportedNetworks lists ${list(networks).en}`, `تتضمن supportedNetworks: ${list(networks).ar}`),
    fix: both(
      `Set supportedNetworks to include ${list(REQUIRED_NETWORKS).en} in the ApplePayPaymentRequest.`,
      `اجعل supportedNetworks في ApplePayPaymentRequest تتضمن ${list(REQUIRED_NETWORKS).ar}.`,
    ),
  },
  country: {
    wrongCountry: (country: string | undefined) =>
      both(
        `countryCode is ${country ?? '(missing)'} while mada is offered; mada needs ${MADA_COUNTRY}`,
        `countryCode هو ${country ?? '(غير موجود)'} مع أن mada معروضة؛ وتتطلب mada القيمة ${MADA_COUNTRY}`,
      ),
    oldSession: (version: number) =>
      both(
        `ApplePaySession version ${version} is below ${MADA_MIN_VERSION}, which mada needs`,
        `إصدار ApplePaySession هو ${version}، وهو أقل من ${MADA_MIN_VERSION} الذي تتطلبه mada`,
      ),
    ok: (version: number) =>
      both(
        `countryCode ${MADA_COUNTRY} with ApplePaySession version ${version}`,
        `countryCode هو ${MADA_COUNTRY} مع الإصدار ${version} من ApplePaySession`,
      ),
    noMada: both('mada is not offered, so countryCode is free', 'mada غير معروضة، فلا قيد على countryCode'),
    fix: both(
      `When mada is offered set countryCode to ${MADA_COUNTRY} and create the session with new ApplePaySession(${MADA_MIN_VERSION}, request) or later; outside Saudi Arabia drop mada instead.`,
      `عند عرض mada اضبط countryCode على ${MADA_COUNTRY} وأنشئ الجلسة بـ new ApplePaySession(${MADA_MIN_VERSION}, request) أو بإصدار أحدث؛ وخارج السعودية أزل mada بدلًا من ذلك.`,
    ),
  },
  capability: {
    lacking: (caps: string[]) =>
      both(
        `merchantCapabilities [${caps.join(', ')}] lacks ${CAPABILITY}`,
        `merchantCapabilities [${caps.join(', ')}] لا تتضمن ${CAPABILITY}`,
      ),
    ok: both(`merchantCapabilities includes ${CAPABILITY}`, `تتضمن merchantCapabilities القيمة ${CAPABILITY}`),
    fix: both(
      `Add '${CAPABILITY}' to merchantCapabilities in the ApplePayPaymentRequest.`,
      `أضف '${CAPABILITY}' إلى merchantCapabilities في ApplePayPaymentRequest.`,
    ),
  },
};

function probe(ctx: VerifyContext): { ev: ScenarioEvidence; p: ApplePayProbe } | undefined {
  for (const ev of ctx.scenarios) if (ev.applePay) return { ev, p: ev.applePay };
  return undefined;
}

function ref(ev: ScenarioEvidence, p: ApplePayProbe, detail: string): EvidenceRef {
  return { scenarioId: ev.scenarioId, kind: 'probe', ref: p.url, detail };
}

const has = (list: string[], name: string) => list.some((n) => n.toLowerCase() === name.toLowerCase());

function withProbe(
  ctx: VerifyContext,
  judge: (p: ApplePayProbe) => { problems: Bilingual[]; ok: Bilingual; fix: Bilingual; detail: string },
): CheckOutcome {
  const found = probe(ctx);
  if (!found) return noEvidence(ctx, ['applepay-success'], TEXT.none);
  const { problems, ok, fix, detail } = judge(found.p);
  const evidence = [ref(found.ev, found.p, detail)];
  if (problems.length) return { status: 'failed', summary: joinBoth(problems), fix, evidence };
  return { status: 'passed', summary: ok, evidence };
}

export const checkApplePayNetworks: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const networks = p.request.supportedNetworks;
    const missing = REQUIRED_NETWORKS.filter((n) => !has(networks, n));
    return {
      problems: missing.length ? [TEXT.networks.lacking(networks, missing)] : [],
      ok: TEXT.networks.ok(networks),
      fix: TEXT.networks.fix,
      detail: `supportedNetworks: ${networks.join(', ')}`,
    };
  });

export const checkApplePayCountry: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const problems: Bilingual[] = [];
    const mada = has(p.request.supportedNetworks, 'mada');
    if (mada && p.request.countryCode !== MADA_COUNTRY) problems.push(TEXT.country.wrongCountry(p.request.countryCode));
    if (mada && p.version < MADA_MIN_VERSION) problems.push(TEXT.country.oldSession(p.version));
    return {
      problems,
      ok: mada ? TEXT.country.ok(p.version) : TEXT.country.noMada,
      fix: TEXT.country.fix,
      detail: `countryCode ${p.request.countryCode ?? '(missing)'}, version ${p.version}`,
    };
  });

export const checkApplePayCapability: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const caps = p.request.merchantCapabilities;
    return {
      problems: has(caps, CAPABILITY) ? [] : [TEXT.capability.lacking(caps)],
      ok: TEXT.capability.ok,
      fix: TEXT.capability.fix,
      detail: `merchantCapabilities: ${caps.join(', ')}`,
    };
  });
