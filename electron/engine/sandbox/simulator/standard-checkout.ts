import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { testCardByNumber } from '../../../../shared/aps/catalog';
import { luhnValid } from '../../../../shared/card';
import type { ApsParams } from '../../aps/signature';
import { sendHtml, seeOther, type Fields } from '../http';
import { t, type Lang } from './i18n';
import { ISSUERS, PLAN_MAX_AMOUNT, PLAN_MIN_AMOUNT, amountPerMonth, issuerForBin } from './installments';
import { cardPage, type PlanChoice } from './pages';
import type { CardInfo, Session, Simulator } from './server';
import { savedCardInfo } from './state';
import { cardBrand, checkRequest, expiryProblem, mmyyToYymm, refusal } from './validate';

/**
 * Standard checkout: the merchant posts TOKENIZATION without card data into an iframe; APS answers with its own card
 * form there, and the form's result (a token) goes to return_url inside the same iframe. Returns where the iframe
 * was sent, or undefined when the request was refused.
 */
export function standardTokenization(
  sim: Simulator,
  res: http.ServerResponse,
  fields: Fields,
  lang: Lang,
): string | undefined {
  const base = checkRequest(fields, 'standard_tokenization', sim.credentials(false));
  if (base) return void sim.refuse(res, fields, base, lang);
  if (!fields.return_url || !sim.deliveryUrl(fields.return_url))
    return void sim.refuse(res, fields, refusal('037'), lang);
  if (fields.token_name) {
    const saved = sim.state.tokens.get(fields.token_name);
    if (saved && saved.status !== 'ACTIVE') return void sim.refuse(res, fields, refusal('044', undefined, '17'), lang);
  }
  const session: Session = {
    sid: randomBytes(12).toString('hex'),
    kind: 'standard',
    request: fields,
    lang,
    returnUrl: fields.return_url,
    fortId: '',
    lpmStep: 0,
    lpmInputs: {},
    finished: false,
  };
  sim.sessions.set(session.sid, session);
  const next = `/FortAPI/merchantPage/${session.sid}`;
  seeOther(res, next);
  return next;
}

/** The plans a standard checkout with installments STANDALONE offers for its amount. */
function planChoices(session: Session): PlanChoice[] {
  const req = session.request;
  const amount = Number(req.amount);
  const currency = String(req.currency ?? '');
  if (req.installments !== 'STANDALONE' || amount < PLAN_MIN_AMOUNT || amount > PLAN_MAX_AMOUNT) return [];
  return ISSUERS.flatMap((i) =>
    i.plans.map((p) => ({
      value: p.plan_code,
      issuer: i.name[session.lang],
      months: p.months,
      perMonth: `${amountPerMonth(p, amount, currency)} ${currency}`,
      feePercent: p.feePercent,
    })),
  );
}

/** The standard checkout's card form, inside the merchant's iframe. */
export async function standardStep(
  sim: Simulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  session: Session,
): Promise<void> {
  const s = t(session.lang);
  const request = session.request as Fields;
  const saved = request.token_name ? sim.state.tokens.get(request.token_name) : undefined;
  const plans = planChoices(session);
  const render = (error?: string, values?: Record<string, string>) =>
    sendHtml(
      res,
      200,
      cardPage({
        lang: session.lang,
        action: `/FortAPI/merchantPage/${session.sid}`,
        summary: sim.summary(session),
        installments: false,
        embedded: true,
        saved: saved && { masked: saved.card_number, expiry: saved.expiry_date },
        plans,
        rememberMe: !saved,
        error,
        values,
      }),
    );
  if (req.method !== 'POST') return render();
  const form = await sim.formOf(req);
  if (form.action === 'cancel') {
    session.finished = true;
    return sim.refuse(res, request, refusal('072'), session.lang);
  }
  const keep = {
    card_number: form.card_number ?? '',
    expiry: form.expiry ?? '',
    card_holder_name: form.card_holder_name ?? '',
    plan: form.plan ?? '',
  };
  let card: CardInfo;
  if (saved) {
    if (!/^\d{3,4}$/.test(form.cvv ?? '') || form.cvv.length !== (saved.brand === 'AMEX' ? 4 : 3))
      return render(s.invalidCvv, keep);
    const known = sim.state.tokenCvv.get(saved.token_name);
    if (known && known !== form.cvv) return render(s.invalidCvv, keep);
    card = savedCardInfo(saved);
  } else {
    const number = (form.card_number ?? '').replace(/\s/g, '');
    const expiry = mmyyToYymm(form.expiry ?? '');
    if (!luhnValid(number)) return render(s.invalidCard, keep);
    if (expiryProblem(expiry)) return render(s.invalidExpiry, keep);
    const brand = testCardByNumber(number)?.brand ?? cardBrand(number);
    if (!/^\d+$/.test(form.cvv ?? '') || form.cvv.length !== (brand === 'AMEX' ? 4 : 3))
      return render(s.invalidCvv, keep);
    card = sim.saveCard(number, expiry, form.card_holder_name, request.token_name, form.cvv);
  }
  const extra: ApsParams = {};
  if (!saved && form.remember_me) extra.remember_me = form.remember_me === 'YES' ? 'YES' : 'NO';
  const plan = plans.find((p) => p.value === form.plan);
  if (plan) {
    const issuer = issuerForBin(card.bin);
    const chosen = issuer?.plans.find((p) => p.plan_code === plan.value);
    if (!issuer || !chosen) return render(s.planNotForCard, keep);
    Object.assign(extra, {
      number_of_installments: String(chosen.months),
      plan_code: chosen.plan_code,
      issuer_code: issuer.issuer_code,
    });
  }
  session.finished = true;
  sim.deliverToken(res, request, card, session.lang, extra);
}
