import type http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import {
  MESSAGE_TEXT,
  PAYMENT_API_PARAMS,
  PAYMENT_API_PATH,
  PAYMENT_API_REQUIRED,
} from '../../../../shared/aps/catalog';
import type { ApsParams } from '../../aps/signature';
import { clientAddress, readBody, sendJson } from '../http';
import { localizedMessage, type Lang } from './i18n';
import type { Session, Simulator } from './server';
import type { Transaction } from './state';
import { checkCitRules, checkPayment, checkRequest, refusal, type ApsRefusal } from './validate';

type Answer = ApsParams;

function isApple(fields: ApsParams): boolean {
  return fields.digital_wallet === 'APPLE_PAY' || Object.keys(fields).some((k) => k.startsWith('apple_'));
}

function ok(status: string, lang: Lang): ApsParams {
  return {
    response_code: `${status}000`,
    response_message: localizedMessage('000', MESSAGE_TEXT['000'], lang),
    status,
  };
}

function fail(r: ApsRefusal): ApsParams {
  return { response_code: r.response_code, response_message: r.response_message, status: r.status };
}

function sixDigits(): string {
  return String(randomInt(100000, 1000000));
}

/** POST /FortAPI/paymentApi: one JSON request, one signed JSON answer, every exchange logged. */
export async function handleApi(sim: Simulator, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = new Date();
  const raw = await readBody(req);
  let fields: ApsParams;
  let answer: Answer;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    fields = parsed as ApsParams;
    answer = answerRequest(sim, fields);
  } catch {
    fields = {};
    answer = fail(refusal('073', 'the body must be one JSON object'));
  }
  sim.log.add({
    kind: 'paymentApi',
    method: 'POST',
    url: sim.origin + PAYMENT_API_PATH,
    requestContentType: String(req.headers['content-type'] ?? ''),
    requestFields: fields,
    responseStatus: 200,
    responseContentType: 'application/json',
    responseFields: answer,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    remoteAddress: clientAddress(req),
  });
  sendJson(res, 200, answer);
}

function answerRequest(sim: Simulator, fields: ApsParams): Answer {
  const apple = isApple(fields);
  const lang: Lang = fields.language === 'ar' ? 'ar' : 'en';
  const op = String(fields.command ?? fields.service_command ?? fields.query_command ?? '');
  const finish = (result: ApsParams, signed = true): Answer => {
    const out = { ...sim.echo(fields), ...result };
    return signed ? sim.signResponse(out, apple) : out;
  };
  const refuse = (r: ApsRefusal) => finish(fail(r), r.status !== '00' || sim.config.signInvalidRequests);
  if (!op) return refuse(refusal('001', 'command, service_command or query_command'));
  const allowed = PAYMENT_API_PARAMS[op];
  if (!allowed) return refuse(refusal('004', op));
  const required = [...PAYMENT_API_REQUIRED[op]];
  if (op === 'PURCHASE' || op === 'AUTHORIZATION') {
    if (fields.digital_wallet === 'APPLE_PAY')
      required.push('apple_data', 'apple_signature', 'apple_header', 'apple_paymentMethod', 'customer_ip');
    else if (fields.digital_wallet === 'STCPAY') required.push('phone_number');
    else if (fields.eci === 'RECURRING') required.push('token_name', 'agreement_id');
    else required.push('token_name', 'customer_ip');
  }
  const base = checkRequest(fields, { allowed, required }, sim.credentials(apple));
  if (base) return refuse(base);
  switch (op) {
    case 'PURCHASE':
    case 'AUTHORIZATION':
      return finishPayment(sim, fields, lang, apple, finish, refuse);
    case 'CAPTURE':
    case 'REFUND':
    case 'VOID_AUTHORIZATION':
      return maintenance(sim, op, fields, lang, finish, refuse);
    case 'CHECK_STATUS':
      return checkStatus(sim, fields, lang, finish);
    case 'SDK_TOKEN':
      return finish({ ...ok('22', lang), sdk_token: randomBytes(16).toString('hex') });
    case 'UPDATE_TOKEN':
      return updateToken(sim, fields, lang, finish);
    case 'GET_INSTALLMENTS_PLANS':
      return finish({ ...ok('62', lang), installment_detail: installmentPlans(fields) });
    case 'GENERATE_OTP':
      return generateOtp(sim, fields, lang, finish, refuse);
  }
  return refuse(refusal('004', op));
}

function finishPayment(
  sim: Simulator,
  fields: ApsParams,
  lang: Lang,
  apple: boolean,
  finish: (r: ApsParams, signed?: boolean) => Answer,
  refuse: (r: ApsRefusal) => Answer,
): Answer {
  const payment = checkPayment(fields);
  if (payment) return refuse(payment);
  const ref = String(fields.merchant_reference);
  const command = fields.command === 'AUTHORIZATION' ? 'AUTHORIZATION' : 'PURCHASE';
  const okStatus = command === 'PURCHASE' ? '14' : '02';
  const failStatus = command === 'PURCHASE' ? '13' : '03';
  const otpRequest = sim.otpRequests.get(ref);
  if (
    sim.state.references.has(ref) &&
    !(fields.digital_wallet === 'STCPAY' && otpRequest && !sim.state.transactions.has(ref))
  ) {
    return refuse(refusal('066'));
  }
  const record = (result: ApsParams, extra: Partial<Transaction> = {}) => {
    const now = new Date().toISOString();
    const status = String(result.status);
    sim.state.references.add(ref);
    sim.state.transactions.set(ref, {
      fort_id: String(result.fort_id),
      merchant_reference: ref,
      command,
      amount: Number(fields.amount),
      currency: String(fields.currency),
      status,
      response_code: String(result.response_code),
      response_message: String(result.response_message),
      method: String(result.payment_option ?? fields.digital_wallet ?? ''),
      token_name: result.token_name as string | undefined,
      agreement_id: result.agreement_id as string | undefined,
      eci: String(fields.eci ?? 'ECOMMERCE'),
      authorization_code: result.authorization_code as string | undefined,
      captured_amount: status === '14' ? Number(fields.amount) : 0,
      refunded_amount: 0,
      voided: false,
      created_at: now,
      updated_at: now,
      ...extra,
    });
    void sim.state.save();
  };
  const final = (approved: boolean, message3: string, extra: ApsParams): Answer => {
    const status = approved ? okStatus : failStatus;
    const result: ApsParams = {
      fort_id: sim.state.newFortId(),
      eci: fields.eci ?? 'ECOMMERCE',
      ...extra,
      response_code: status + message3,
      response_message: localizedMessage(message3, MESSAGE_TEXT[message3], lang),
      status,
    };
    if (approved) result.authorization_code = sixDigits();
    record(result);
    const answer = finish(result);
    sim.feedback.send('direct', sim.feedbackTarget('direct', apple), answer);
    return answer;
  };

  if (fields.digital_wallet === 'STCPAY') {
    if (command !== 'PURCHASE') return refuse(refusal('049', 'STC Pay is PURCHASE only'));
    if (!otpRequest) return refuse(refusal('036', 'no GENERATE_OTP for this merchant_reference'));
    if (
      otpRequest.phone !== fields.phone_number ||
      otpRequest.amount !== String(fields.amount) ||
      otpRequest.currency !== fields.currency
    ) {
      return refuse(refusal('748'));
    }
    if (!fields.otp) return refuse(refusal('001', 'otp'));
    const approved = fields.otp === sim.config.local_success_values.STCPAY.otp;
    return final(approved, approved ? '000' : '666', { digital_wallet: 'STCPAY' });
  }

  if (fields.digital_wallet === 'APPLE_PAY') {
    const method = fields.apple_paymentMethod as Record<string, unknown>;
    const network = String(method?.apple_network ?? '').toUpperCase();
    const approved = fields.apple_data !== 'DECLINE';
    return final(approved, approved ? '000' : '666', {
      payment_option: network === 'MASTERCARD' ? 'MASTERCARD' : network || 'VISA',
      digital_wallet: 'APPLE_PAY',
    });
  }

  const token = sim.state.tokens.get(String(fields.token_name));
  if (!token || token.status !== 'ACTIVE') return refuse(refusal('044', undefined, failStatus));
  const cardFields: ApsParams = {
    token_name: token.token_name,
    card_number: token.card_number,
    expiry_date: token.expiry_date,
    card_bin: token.card_bin,
    payment_option: fields.payment_option ?? token.brand,
  };

  if (fields.eci === 'RECURRING') {
    if (command !== 'PURCHASE') return refuse(refusal('049', 'recurring payments are PURCHASE only'));
    const agreement = sim.state.agreements.get(String(fields.agreement_id));
    if (!agreement) return refuse(refusal('033', 'agreement_id is not an agreement APS returned for a CIT'));
    if (agreement.token_name !== token.token_name)
      return refuse(refusal('033', "token_name differs from the agreement's CIT token"));
    agreement.mit_count += 1;
    return final(!token.declined, token.declined ? '666' : '000', {
      ...cardFields,
      agreement_id: agreement.agreement_id,
    });
  }

  const cit = checkCitRules(fields, (id) => sim.agreementIdTaken(id));
  if (cit) return refuse(cit);
  if (
    fields.card_security_code &&
    sim.state.tokenCvv.has(token.token_name) &&
    sim.state.tokenCvv.get(token.token_name) !== fields.card_security_code
  ) {
    return final(false, '666', cardFields);
  }
  const skip3ds = fields.check_3ds === 'NO' && token.brand !== 'MADA';
  if (token.threeDs && !skip3ds) {
    if (!fields.return_url) return refuse(refusal('037', 'a 3-D Secure card needs return_url'));
    const session: Session = {
      sid: randomBytes(12).toString('hex'),
      kind: 'api3ds',
      request: fields,
      lang,
      returnUrl: String(fields.return_url),
      fortId: sim.state.newFortId(),
      lpmStep: 0,
      lpmInputs: {},
      finished: false,
      card: {
        masked: token.card_number,
        bin: token.card_bin,
        brand: token.brand,
        expiry: token.expiry_date,
        holder: token.card_holder_name,
        threeDs: true,
        declined: token.declined,
        token_name: token.token_name,
      },
    };
    sim.sessions.set(session.sid, session);
    const result: ApsParams = {
      ...cardFields,
      fort_id: session.fortId,
      eci: fields.eci ?? 'ECOMMERCE',
      '3ds_url': `${sim.origin}/FortAPI/3ds/${session.sid}`,
      response_code: '20064',
      response_message: localizedMessage('064', MESSAGE_TEXT['064'], lang),
      status: '20',
    };
    record(result);
    return finish(result);
  }
  const extra: ApsParams = { ...cardFields };
  const approved = !token.declined;
  if (approved && fields.recurring_mode && fields.agreement_id)
    extra.agreement_id = sim.createAgreement(fields, token.token_name);
  return final(approved, approved ? '000' : '666', extra);
}

function maintenance(
  sim: Simulator,
  op: 'CAPTURE' | 'REFUND' | 'VOID_AUTHORIZATION',
  fields: ApsParams,
  lang: Lang,
  finish: (r: ApsParams, signed?: boolean) => Answer,
  refuse: (r: ApsRefusal) => Answer,
): Answer {
  const statuses = { CAPTURE: ['04', '05'], REFUND: ['06', '07'], VOID_AUTHORIZATION: ['08', '09'] }[op];
  const txn =
    sim.state.transactions.get(String(fields.merchant_reference)) ??
    (fields.fort_id ? sim.state.findByFortId(String(fields.fort_id)) : undefined);
  const no = (message3: string, detail?: string) => finish(fail(refusal(message3, detail, statuses[1])));
  if (!txn) return no('036');
  if (fields.fort_id && txn.fort_id !== fields.fort_id)
    return refuse(refusal('033', 'fort_id does not belong to merchant_reference'));
  const amount = Number(fields.amount ?? 0);
  if (op !== 'VOID_AUTHORIZATION' && fields.currency !== txn.currency) return no('013');
  if (op === 'CAPTURE') {
    if (txn.command !== 'AUTHORIZATION' || txn.status !== '02' || txn.voided) return no('047');
    if (txn.captured_amount + amount > txn.amount) return no('042');
    txn.captured_amount += amount;
  } else if (op === 'REFUND') {
    if (txn.captured_amount === 0) return no('047', 'nothing captured to refund');
    if (txn.refunded_amount + amount > txn.captured_amount) return no('048');
    txn.refunded_amount += amount;
  } else {
    if (txn.command !== 'AUTHORIZATION' || txn.status !== '02' || txn.captured_amount > 0 || txn.voided)
      return no('047');
    txn.voided = true;
  }
  txn.updated_at = new Date().toISOString();
  void sim.state.save();
  const answer = finish({ ...ok(statuses[0], lang), fort_id: txn.fort_id });
  sim.feedback.send('notification', sim.feedbackTarget('notification', txn.method === 'APPLE_PAY'), answer);
  return answer;
}

function checkStatus(sim: Simulator, fields: ApsParams, lang: Lang, finish: (r: ApsParams) => Answer): Answer {
  const txn =
    (fields.merchant_reference ? sim.state.transactions.get(String(fields.merchant_reference)) : undefined) ??
    (fields.fort_id ? sim.state.findByFortId(String(fields.fort_id)) : undefined);
  if (!txn) return finish(fail(refusal('036', undefined, '12')));
  return finish({
    ...ok('12', lang),
    fort_id: txn.fort_id,
    transaction_status: txn.voided ? '08' : txn.status,
    transaction_code: txn.response_code,
    transaction_message: txn.response_message,
    authorized_amount: String(txn.amount),
    captured_amount: String(txn.captured_amount),
    refunded_amount: String(txn.refunded_amount),
    authorization_code: txn.authorization_code,
    agreement_id: txn.agreement_id,
  });
}

function updateToken(sim: Simulator, fields: ApsParams, lang: Lang, finish: (r: ApsParams) => Answer): Answer {
  const token = sim.state.tokens.get(String(fields.token_name));
  if (!token) return finish(fail(refusal('044', undefined, '59')));
  if (fields.token_status === 'INACTIVE' || fields.token_status === 'ACTIVE') token.status = fields.token_status;
  if (fields.expiry_date) token.expiry_date = String(fields.expiry_date);
  if (fields.card_holder_name) token.card_holder_name = String(fields.card_holder_name);
  if (fields.new_token_name && !sim.state.tokens.has(String(fields.new_token_name))) {
    sim.state.tokens.delete(token.token_name);
    token.token_name = String(fields.new_token_name);
    sim.state.tokens.set(token.token_name, token);
  }
  if (token.status === 'INACTIVE') sim.state.tokenCvv.delete(token.token_name);
  void sim.state.save();
  return finish({
    ...ok('58', lang),
    token_name: token.token_name,
    token_status: token.status,
    card_number: token.card_number,
    card_bin: token.card_bin,
    card_brand: token.brand,
    expiry_date: token.expiry_date,
    creation_date: token.created_at.slice(0, 19).replace('T', ' '),
  });
}

function generateOtp(
  sim: Simulator,
  fields: ApsParams,
  lang: Lang,
  finish: (r: ApsParams) => Answer,
  refuse: (r: ApsRefusal) => Answer,
): Answer {
  if (fields.digital_wallet !== 'STCPAY') return refuse(refusal('033', 'GENERATE_OTP is for digital_wallet STCPAY'));
  if (fields.currency !== 'SAR') return refuse(refusal('013', 'STC Pay takes SAR only'));
  const ref = String(fields.merchant_reference);
  if (sim.state.transactions.has(ref)) return refuse(refusal('066'));
  sim.otpRequests.set(ref, {
    phone: String(fields.phone_number),
    amount: String(fields.amount),
    currency: String(fields.currency),
  });
  sim.state.references.add(ref);
  return finish({ ...ok('88', lang) });
}

function installmentPlans(fields: ApsParams) {
  const currency = String(fields.currency ?? 'SAR');
  const plans = [3, 6, 12].map((n) => ({
    plan_code: `CKPLAN${String(n).padStart(2, '0')}`,
    number_of_installment: n,
    fees_type: 'Percentage',
    fees_amount: 0,
    processing_fees_type: 'Fixed',
    processing_fees_amount: 0,
    rate_type: 'Flat',
    plan_merchant_type: 'Non Partner',
    fee_display_value: 0,
    currency_code: currency,
    minimum_amount: 10000,
    maximum_amount: 10000000,
  }));
  return {
    issuer_detail: [
      {
        issuer_code: 'CKBANK01',
        issuer_name_en: 'Certkit Test Bank',
        issuer_name_ar: 'بنك اختبار Certkit',
        plan_details: plans,
        bins: [
          { bin: '400555', card_brand_code: 'VISA' },
          { bin: '512345', card_brand_code: 'MASTERCARD' },
        ],
      },
    ],
  };
}
