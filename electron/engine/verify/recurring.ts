import { CIT_AGREEMENT_ID_MAX, paramFormatProblem } from '../../../shared/aps/params';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
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

/** What the recurring checks say, English beside Arabic. */
const TEXT = {
  noInitial: both('the initial recurring payment was not recorded', 'لم تُسجَّل الدفعة المتكررة الأولى'),
  mode: {
    none: both('the initial request carries no recurring_mode', 'الطلب الأول لا يحمل recurring_mode'),
    planFieldMissing: (name: string, mode: string) =>
      both(`${name} is missing (required with ${mode})`, `${name} غير موجود (مطلوب مع ${mode})`),
    fix: both(
      'Send recurring_mode (FIXED, VARIABLE or UNSCHEDULED) in the initial customer-present request; with FIXED or VARIABLE also recurring_transactions_count, recurring_expiry_date (YYYY-MM-DD) and recurring_days_between_payments.',
      'أرسل recurring_mode (FIXED أو VARIABLE أو UNSCHEDULED) في الطلب الأول الذي يكون فيه العميل حاضرًا؛ ومع FIXED أو VARIABLE أرسل أيضًا recurring_transactions_count و recurring_expiry_date (YYYY-MM-DD) و recurring_days_between_payments.',
    ),
    passed: (mode: string | undefined) =>
      mode === 'UNSCHEDULED'
        ? both(`The initial request carries recurring_mode=${mode}`, `يحمل الطلب الأول recurring_mode=${mode}`)
        : both(
            `The initial request carries recurring_mode=${mode} with count, expiry and interval`,
            `يحمل الطلب الأول recurring_mode=${mode} مع عدد الدفعات وتاريخ الانتهاء والفاصل بين الدفعات`,
          ),
  },
  agreement: {
    none: both('the initial request carries no agreement_id', 'الطلب الأول لا يحمل agreement_id'),
    badFormat: (sent: string, special: boolean) =>
      both(
        `agreement_id "${sent}" must be letters and digits only, at most ${CIT_AGREEMENT_ID_MAX} (it has ${sent.length} characters${special ? ' and special characters' : ''})`,
        `يجب أن يتكوّن agreement_id "${sent}" من حروف وأرقام فقط، بحد أقصى ${CIT_AGREEMENT_ID_MAX} (عدد أحرفه ${sent.length}${special ? '، وفيه رموز خاصة' : ''})`,
      ),
    reused: (sent: string) =>
      both(`agreement_id ${sent} was used for more than one agreement`, `استُخدم agreement_id ${sent} لأكثر من اتفاقية`),
    notReturned: (id: string, used: string | undefined, returned: string) =>
      both(
        `${id} used agreement_id ${used ?? '(none)'}, but APS returned ${returned} for the initial payment`,
        `استخدم ${id} قيمة agreement_id ${used ?? '(بلا قيمة)'}، لكن APS أعاد ${returned} للدفعة الأولى`,
      ),
    fix: both(
      `Generate a new agreement_id per agreement (letters and digits, at most ${CIT_AGREEMENT_ID_MAX}), store the agreement_id APS returns in the initial answer, and send that one in every later (MIT) request.`,
      `أنشئ agreement_id جديدًا لكل اتفاقية (حروف وأرقام، بحد أقصى ${CIT_AGREEMENT_ID_MAX})، واحفظ agreement_id الذي يُعيده APS في ردّه على الدفعة الأولى، وأرسله هو في كل طلب لاحق (MIT).`,
    ),
    noLater: (sent: string | undefined) =>
      both(
        `agreement_id ${sent} is well formed, but no later payment was recorded to show the returned one is reused`,
        `agreement_id ${sent} سليم الصيغة، لكن لم تُسجَّل دفعة لاحقة تُظهر أن القيمة التي أعادها APS يُعاد استخدامها`,
      ),
    passed: (sent: string | undefined, returned: string | undefined) =>
      both(
        `agreement_id ${sent} is well formed and later payments used the one APS returned (${returned ?? sent})`,
        `agreement_id ${sent} سليم الصيغة، واستخدمت الدفعات اللاحقة القيمة التي أعادها APS (${returned ?? sent})`,
      ),
  },
  token: {
    none: both('the initial payment recorded no token_name', 'لم تُسجِّل الدفعة الأولى أي token_name'),
    noLater: both('no later (MIT) payment was recorded', 'لم تُسجَّل أي دفعة لاحقة (MIT)'),
    other: (id: string, used: string | undefined, token: string) =>
      both(
        `${id} charged token_name ${used ?? '(none)'}, the initial payment created ${token}`,
        `خصم ${id} على token_name ${used ?? '(بلا قيمة)'}، بينما أنشأت الدفعة الأولى ${token}`,
      ),
    fix: both(
      'Store the token_name of the initial payment with the agreement and charge that token in every later payment.',
      'احفظ token_name الخاص بالدفعة الأولى مع الاتفاقية، واخصم على هذا الرمز في كل دفعة لاحقة.',
    ),
    passed: (token: string) =>
      both(
        `Later payments charged token_name ${token} from the initial payment`,
        `خصمت الدفعات اللاحقة على token_name ${token} الذي أنشأته الدفعة الأولى`,
      ),
  },
};

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
  if (!cit) return noEvidence(ctx, ['recurring-initial'], TEXT.noInitial);
  const f = cit.request.requestFields;
  const mode = str(f.recurring_mode);
  const evidence: EvidenceRef[] = [fieldRef(cit.ev, cit.request, 'recurring_mode', mode ?? '(missing)')];
  const problems: Bilingual[] = [];
  if (!mode) problems.push(TEXT.mode.none);
  else {
    const err = paramFormatProblem('recurring_mode', mode);
    if (err) problems.push(err);
    if (mode === 'FIXED' || mode === 'VARIABLE') {
      for (const name of ['recurring_transactions_count', 'recurring_expiry_date', 'recurring_days_between_payments']) {
        const value = str(f[name]);
        evidence.push(fieldRef(cit.ev, cit.request, name, value ?? '(missing)'));
        if (!value) problems.push(TEXT.mode.planFieldMissing(name, mode));
        else {
          const e = paramFormatProblem(name, value);
          if (e) problems.push(e);
        }
      }
    }
  }
  if (problems.length) return { status: 'failed', summary: joinBoth(problems), fix: TEXT.mode.fix, evidence };
  return {
    status: 'passed',
    summary: TEXT.mode.passed(mode),
    evidence,
  };
};

const AGREEMENT = new RegExp(`^[A-Za-z0-9]{1,${CIT_AGREEMENT_ID_MAX}}$`);

export const checkRecurringAgreement: Check = (ctx) => {
  const cit = initial(ctx);
  if (!cit) return noEvidence(ctx, ['recurring-initial'], TEXT.noInitial);
  const sent = str(cit.request.requestFields.agreement_id);
  const evidence: EvidenceRef[] = [fieldRef(cit.ev, cit.request, 'agreement_id', sent ?? '(missing)')];
  const problems: Bilingual[] = [];
  if (!sent) problems.push(TEXT.agreement.none);
  else if (!AGREEMENT.test(sent)) problems.push(TEXT.agreement.badFormat(sent, /[^A-Za-z0-9]/.test(sent)));
  const others = ctx.scenarios
    .filter((e) => e !== cit.ev)
    .flatMap((e) =>
      paymentRequests(e).filter((x) => str(x.requestFields.eci) !== 'RECURRING' && str(x.requestFields.recurring_mode)),
    )
    .map((x) => str(x.requestFields.agreement_id));
  if (sent && others.includes(sent)) problems.push(TEXT.agreement.reused(sent));
  const returned = str(cit.answer?.agreement_id) ?? cit.ev.ledger.values.agreement_id;
  const later = subsequent(ctx);
  for (const { ev, x } of later) {
    const used = str(x.requestFields.agreement_id);
    evidence.push(fieldRef(ev, x, 'agreement_id', used ?? '(missing)'));
    if (returned && used !== returned) problems.push(TEXT.agreement.notReturned(ev.scenarioId, used, returned));
  }
  if (problems.length) return { status: 'failed', summary: joinBoth(problems), fix: TEXT.agreement.fix, evidence };
  if (!later.length)
    return {
      ...noEvidence(ctx, ['recurring-subsequent'], TEXT.agreement.noLater(sent)),
      evidence,
    };
  return {
    status: 'passed',
    summary: TEXT.agreement.passed(sent, returned),
    evidence,
  };
};

export const checkRecurringToken: Check = (ctx) => {
  const cit = initial(ctx);
  if (!cit) return noEvidence(ctx, ['recurring-initial'], TEXT.noInitial);
  const token =
    str(cit.answer?.token_name) ?? str(cit.request.requestFields.token_name) ?? cit.ev.ledger.values.token_name;
  const later = subsequent(ctx);
  if (!token) return noEvidence(ctx, ['recurring-initial'], TEXT.token.none);
  if (!later.length) return noEvidence(ctx, ['recurring-subsequent'], TEXT.token.noLater);
  const evidence: EvidenceRef[] = [];
  const problems: Bilingual[] = [];
  for (const { ev, x } of later) {
    const used = str(x.requestFields.token_name);
    evidence.push(fieldRef(ev, x, 'token_name', used ?? '(missing)'));
    if (used !== token) problems.push(TEXT.token.other(ev.scenarioId, used, token));
  }
  if (problems.length) {
    return {
      status: 'failed',
      summary: joinBoth(problems),
      fix: TEXT.token.fix,
      evidence,
    };
  }
  return { status: 'passed', summary: TEXT.token.passed(token), evidence };
};
