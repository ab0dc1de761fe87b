import { APPLE_PAY_RULES } from '../../../shared/aps/apple-pay';
import type { ApplePayProbe, ScenarioEvidence } from '../../../shared/schema/evidence';
import { noEvidence, type Check, type CheckOutcome, type EvidenceRef, type VerifyContext } from './context';

// mada in Apple Pay needs a newer ApplePaySession and a Saudi merchant country (pitfall 21).
const REQUIRED_NETWORKS: readonly string[] = APPLE_PAY_RULES.requiredNetworks;
const MADA_MIN_VERSION = APPLE_PAY_RULES.madaMinSessionVersion;
const MADA_COUNTRY = APPLE_PAY_RULES.madaCountryCode;
const CAPABILITY = APPLE_PAY_RULES.webCapability;

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
  judge: (p: ApplePayProbe) => { problems: string[]; ok: string; fix: string; detail: string },
): CheckOutcome {
  const found = probe(ctx);
  if (!found) return noEvidence(ctx, ['applepay-success'], 'the Apple Pay payment request was not recorded');
  const { problems, ok, fix, detail } = judge(found.p);
  const evidence = [ref(found.ev, found.p, detail)];
  if (problems.length) return { status: 'failed', summary: problems.join('; '), fix, evidence };
  return { status: 'passed', summary: ok, evidence };
}

export const checkApplePayNetworks: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const networks = p.request.supportedNetworks;
    const missing = REQUIRED_NETWORKS.filter((n) => !has(networks, n));
    return {
      problems: missing.length ? [`supportedNetworks [${networks.join(', ')}] lacks ${missing.join(', ')}`] : [],
      ok: `supportedNetworks lists ${networks.join(', ')}`,
      fix: `Set supportedNetworks to include ${REQUIRED_NETWORKS.join(', ')} in the ApplePayPaymentRequest.`,
      detail: `supportedNetworks: ${networks.join(', ')}`,
    };
  });

export const checkApplePayCountry: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const problems: string[] = [];
    const mada = has(p.request.supportedNetworks, 'mada');
    if (mada && p.request.countryCode !== MADA_COUNTRY)
      problems.push(
        `countryCode is ${p.request.countryCode ?? '(missing)'} while mada is offered; mada needs ${MADA_COUNTRY}`,
      );
    if (mada && p.version < MADA_MIN_VERSION)
      problems.push(`ApplePaySession version ${p.version} is below ${MADA_MIN_VERSION}, which mada needs`);
    return {
      problems,
      ok: mada
        ? `countryCode ${MADA_COUNTRY} with ApplePaySession version ${p.version}`
        : 'mada is not offered, so countryCode is free',
      fix: `When mada is offered set countryCode to ${MADA_COUNTRY} and create the session with new ApplePaySession(${MADA_MIN_VERSION}, request) or later; outside Saudi Arabia drop mada instead.`,
      detail: `countryCode ${p.request.countryCode ?? '(missing)'}, version ${p.version}`,
    };
  });

export const checkApplePayCapability: Check = (ctx) =>
  withProbe(ctx, (p) => {
    const caps = p.request.merchantCapabilities;
    return {
      problems: has(caps, CAPABILITY) ? [] : [`merchantCapabilities [${caps.join(', ')}] lacks ${CAPABILITY}`],
      ok: `merchantCapabilities includes ${CAPABILITY}`,
      fix: `Add '${CAPABILITY}' to merchantCapabilities in the ApplePayPaymentRequest.`,
      detail: `merchantCapabilities: ${caps.join(', ')}`,
    };
  });
