import { CIT_AGREEMENT_ID_MAX, paramFormatError } from '../../../shared/aps/params';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import {
  apsResponses,
  fieldRef,
  noEvidence,
  paymentRequests,
  str,
  type Check,
  type EvidenceRef,
  type Fields,
  type VerifyContext,
} from './context';

const RECURRING_FIX_MODE =
  'Send recurring_mode (FIXED, VARIABLE or UNSCHEDULED) in the initial customer-present request; with FIXED or VARIABLE also recurring_transactions_count, recurring_expiry_date (YYYY-MM-DD) and recurring_days_between_payments.';

interface Cit {
  ev: ScenarioEvidence;
  request: Exchange;
  /** APS's answer to it, when recorded. */
  answer?: Fields;
}

/** The customer-initiated request that sets up the agreement, and APS's answer. */
function initial(ctx: VerifyContext): Cit | undefined {
  const ev = ctx.scenarios.find((e) => e.scenarioId === 'recurring-initial');
  if (!ev) return undefined;
  const requests = paymentRequests(ev);
  const request =
    requests.find((x) => x.requestFields.recurring_mode !== undefined || x.requestFields.agreement_id !== undefined) ??
    requests[0];
  if (!request) return undefined;
  const ref = str(request.requestFields.merchant_reference);
  const answer = apsResponses(ev).find(
    (r) => str(r.fields.merchant_reference) === ref && (str(r.fields.agreement_id) || str(r.fields.token_name)),
  )?.fields;
  return { ev, request, answer };
}

/** Merchant-initiated charges (eci=RECURRING) recorded in the later recurring scenarios. */
function subsequent(ctx: VerifyContext): { ev: ScenarioEvidence; x: Exchange }[] {
  return ctx.scenarios
    .filter((e) => e.scenarioId !== 'recurring-initial' && e.scenarioId.startsWith('recurring-'))
    .flatMap((ev) =>
      paymentRequests(ev)
        .filter((x) => str(x.requestFields.eci) === 'RECURRING')
        .map((x) => ({ ev, x })),
    );
}

export const checkRecurringMode: Check = (ctx) => {
  const cit = initial(ctx);
  if (!cit) return noEvidence(ctx, ['recurring-initial'], 'the initial recurring payment was not recorded');
  const f = cit.request.requestFields;
  const mode = str(f.recurring_mode);
  const evidence: EvidenceRef[] = [fieldRef(cit.ev, cit.request, 'recurring_mode', mode ?? '(missing)')];
  const problems: string[] = [];
  if (!mode) problems.push('the initial request carries no recurring_mode');
  else {
    const err = paramFormatError('recurring_mode', mode);
    if (err) problems.push(err);
    if (mode === 'FIXED' || mode === 'VARIABLE') {
      for (const name of ['recurring_transactions_count', 'recurring_expiry_date', 'recurring_days_between_payments']) {
        const value = str(f[name]);
        evidence.push(fieldRef(cit.ev, cit.request, name, value ?? '(missing)'));
        if (!value) problems.push(`${name} is missing (required with ${mode})`);
        else {
          const e = paramFormatError(name, value);
          if (e) problems.push(e);
        }
      }
    }
  }
  if (problems.length) return { status: 'failed', summary: problems.join('; '), fix: RECURRING_FIX_MODE, evidence };
  return {
    status: 'passed',
    summary: `The initial request carries recurring_mode=${mode}${mode === 'UNSCHEDULED' ? '' : ' with count, expiry and interval'}`,
    evidence,
  };
};

const AGREEMENT = new RegExp(`^[A-Za-z0-9]{1,${CIT_AGREEMENT_ID_MAX}}$`);

export const checkRecurringAgreement: Check = (ctx) => {
  const cit = initial(ctx);
  if (!cit) return noEvidence(ctx, ['recurring-initial'], 'the initial recurring payment was not recorded');
  const sent = str(cit.request.requestFields.agreement_id);
  const evidence: EvidenceRef[] = [fieldRef(cit.ev, cit.request, 'agreement_id', sent ?? '(missing)')];
  const problems: string[] = [];
  if (!sent) problems.push('the initial request carries no agreement_id');
  else if (!AGREEMENT.test(sent))
    problems.push(
      `agreement_id "${sent}" must be letters and digits only, at most ${CIT_AGREEMENT_ID_MAX} (it has ${sent.length} characters${/[^A-Za-z0-9]/.test(sent) ? ' and special characters' : ''})`,
    );
  const others = ctx.scenarios
    .filter((e) => e !== cit.ev)
    .flatMap((e) =>
      paymentRequests(e).filter((x) => str(x.requestFields.eci) !== 'RECURRING' && str(x.requestFields.recurring_mode)),
    )
    .map((x) => str(x.requestFields.agreement_id));
  if (sent && others.includes(sent)) problems.push(`agreement_id ${sent} was used for more than one agreement`);
  const returned = str(cit.answer?.agreement_id) ?? cit.ev.ledger.values.agreement_id;
  const later = subsequent(ctx);
  for (const { ev, x } of later) {
    const used = str(x.requestFields.agreement_id);
    evidence.push(fieldRef(ev, x, 'agreement_id', used ?? '(missing)'));
    if (returned && used !== returned)
      problems.push(
        `${ev.scenarioId} used agreement_id ${used ?? '(none)'}, but APS returned ${returned} for the initial payment`,
      );
  }
  const fix = `Generate a new agreement_id per agreement (letters and digits, at most ${CIT_AGREEMENT_ID_MAX}), store the agreement_id APS returns in the initial answer, and send that one in every later (MIT) request.`;
  if (problems.length) return { status: 'failed', summary: problems.join('; '), fix, evidence };
  if (!later.length)
    return {
      ...noEvidence(
        ctx,
        ['recurring-subsequent'],
        `agreement_id ${sent} is well formed, but no later payment was recorded to show the returned one is reused`,
      ),
      evidence,
    };
  return {
    status: 'passed',
    summary: `agreement_id ${sent} is well formed and later payments used the one APS returned (${returned ?? sent})`,
    evidence,
  };
};

export const checkRecurringToken: Check = (ctx) => {
  const cit = initial(ctx);
  if (!cit) return noEvidence(ctx, ['recurring-initial'], 'the initial recurring payment was not recorded');
  const token =
    str(cit.answer?.token_name) ?? str(cit.request.requestFields.token_name) ?? cit.ev.ledger.values.token_name;
  const later = subsequent(ctx);
  if (!token) return noEvidence(ctx, ['recurring-initial'], 'the initial payment recorded no token_name');
  if (!later.length) return noEvidence(ctx, ['recurring-subsequent'], 'no later (MIT) payment was recorded');
  const evidence: EvidenceRef[] = [];
  const problems: string[] = [];
  for (const { ev, x } of later) {
    const used = str(x.requestFields.token_name);
    evidence.push(fieldRef(ev, x, 'token_name', used ?? '(missing)'));
    if (used !== token)
      problems.push(`${ev.scenarioId} charged token_name ${used ?? '(none)'}, the initial payment created ${token}`);
  }
  if (problems.length) {
    return {
      status: 'failed',
      summary: problems.join('; '),
      fix: 'Store the token_name of the initial payment with the agreement and charge that token in every later payment.',
      evidence,
    };
  }
  return { status: 'passed', summary: `Later payments charged token_name ${token} from the initial payment`, evidence };
};
