import type http from 'node:http';
import { randomBytes, randomInt } from 'node:crypto';
import { MESSAGE_TEXT, PAYMENT_API_PATH, requestIdOf, testCardByNumber } from '../../../../shared/aps/catalog';
import type { ApsParams } from '../../aps/signature';
import { HttpRefusal, clientAddress, parseJsonBody, readBody, refuseRequest, sendJson } from '../http';
import { localizedMessage, type Lang } from './i18n';
import { installmentDetail, issuerByCode, planProblem } from './installments';
import { orderStatus, recordOperation, recordPayment } from './orders';
import type { Session, Simulator } from './server';
import { luhnValid } from '../../../../shared/card';
import type { SavedToken } from './state';
import {
  cardBrand,
  checkCitRules,
  checkPayment,
  checkRequest,
  checkVisaAmount,
  expiryProblem,
  refusal,
  type ApsRefusal,
} from './validate';

type Answer = ApsParams;
type Finish = (r: ApsParams, signed?: boolean) => Answer;
type Refuse = (r: ApsRefusal) => Answer;

/** Operations on an existing order, which a merchant may sign with its Apple Pay access code and phrase. */
const ORDER_OPERATIONS = ['CAPTURE', 'REFUND', 'VOID_AUTHORIZATION', 'CHECK_STATUS'];

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
  let raw: string;
  try {
    raw = await readBody(req);
  } catch (err) {
    // Over the size limit: APS's own front end would refuse it before the API; the answer is still APS-shaped
    // (00073, unsigned like every invalid request) so a merchant's JSON parser reads why.
    if (!(err instanceof HttpRefusal)) throw err;
    return refuseRequest(req, res, err.status, fail(refusal('073', err.message)));
  }
  let parsed: unknown;
  let unreadable: HttpRefusal | undefined;
  try {
    parsed = parseJsonBody(raw);
  } catch (err) {
    unreadable = err instanceof HttpRefusal ? err : new HttpRefusal(200, 'the body is not JSON');
  }
  const isObject = !!parsed && typeof parsed === 'object' && !Array.isArray(parsed);
  const fields: ApsParams = isObject ? (parsed as ApsParams) : {};
  // A body APS cannot read is 00073 (HTTP 200, as APS answers); one over the simulator's nesting limit is 400 too.
  const httpStatus = unreadable?.status ?? 200;
  const answer: Answer = isObject
    ? answerRequest(sim, fields)
    : fail(refusal('073', unreadable?.message ?? 'the body must be one JSON object'));
  sim.log.add({
    kind: 'paymentApi',
    method: 'POST',
    url: sim.origin + PAYMENT_API_PATH,
    requestContentType: String(req.headers['content-type'] ?? ''),
    requestFields: fields,
    responseStatus: httpStatus,
    responseContentType: 'application/json',
    responseFields: answer,
    startedAt: started.toISOString(),
    durationMs: Date.now() - started.getTime(),
    remoteAddress: clientAddress(req),
  });
  sendJson(res, httpStatus, answer);
}

function answerRequest(sim: Simulator, fields: ApsParams): Answer {
  const lang: Lang = fields.language === 'ar' ? 'ar' : 'en';
  const op = String(fields.command ?? fields.service_command ?? fields.query_command ?? '');
  // Apple Pay has its own access code and phrases. Payments say so with their apple_* fields; captures, refunds,
  // voids and status checks of an Apple Pay order carry only the Apple Pay access code (the WooCommerce plugin picks
  // the Apple Pay phrases the same way).
  const apple =
    isApple(fields) || (ORDER_OPERATIONS.includes(op) && fields.access_code === sim.config.apple_access_code);
  const finish: Finish = (result, signed = true) => {
    const out = { ...sim.echo(fields), ...result };
    return signed ? sim.signResponse(out, apple) : out;
  };
  const refuse: Refuse = (r) => finish(fail(r), r.status !== '00' || sim.config.signInvalidRequests);
  if (!op) return refuse(refusal('001', 'command, service_command or query_command'));
  const request = requestIdOf(fields, 'paymentApi');
  if (!request) return refuse(refusal('004', op));
  const base = checkRequest(fields, request, sim.credentials(apple));
  if (base) return refuse(base);
  switch (request) {
    case 'PURCHASE':
    case 'AUTHORIZATION':
      return finishPayment(sim, fields, lang, apple, finish, refuse);
    case 'CAPTURE':
    case 'REFUND':
    case 'VOID_AUTHORIZATION':
      return maintenance(sim, request, fields, lang, apple, finish, refuse);
    case 'CHECK_STATUS':
      return checkStatus(sim, fields, lang, finish);
    case 'SDK_TOKEN':
      return finish({ ...ok('22', lang), sdk_token: randomBytes(16).toString('hex') });
    case 'UPDATE_TOKEN':
      return updateToken(sim, fields, lang, finish);
    case 'GET_INSTALLMENTS_PLANS':
      return installmentPlans(sim, fields, lang, finish);
    case 'GENERATE_OTP':
      return generateOtp(sim, fields, lang, finish, refuse);
  }
  return refuse(refusal('004', op));
}

/**
 * Trusted channel (PCI merchants): the card itself arrives server to server. APS checks it as its own card form
 * would, keeps it as a token (the API reference's trusted-channel answer carries token_name) and pays with it.
 */
function trustedCard(sim: Simulator, fields: ApsParams, failStatus: string): SavedToken | ApsRefusal {
  const number = String(fields.card_number).replace(/\s/g, '');
  if (!luhnValid(number)) return refusal('016', undefined, failStatus);
  const expiry = String(fields.expiry_date);
  const exp = expiryProblem(expiry);
  if (exp) return refusal(exp, undefined, failStatus);
  const brand = testCardByNumber(number)?.brand ?? cardBrand(number);
  const cvv = typeof fields.card_security_code === 'string' ? fields.card_security_code : undefined;
  if (cvv && cvv.length !== (brand === 'AMEX' ? 4 : 3))
    return refusal('002', 'card_security_code (3 digits, 4 for American Express)', failStatus);
  const holder = typeof fields.card_holder_name === 'string' ? fields.card_holder_name : undefined;
  const requested = typeof fields.token_name === 'string' ? fields.token_name : undefined;
  const info = sim.saveCard(number, expiry, holder, requested, cvv);
  return sim.state.tokens.get(info.token_name)!;
}

function finishPayment(
  sim: Simulator,
  fields: ApsParams,
  lang: Lang,
  apple: boolean,
  finish: Finish,
  refuse: Refuse,
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
    else delete result.number_of_installments;
    recordPayment(sim.state, fields, result);
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
    const visa = checkVisaAmount(network, fields);
    if (visa) return refuse(visa);
    const approved = fields.apple_data !== 'DECLINE';
    return final(approved, approved ? '000' : '666', {
      payment_option: network === 'MASTERCARD' ? 'MASTERCARD' : network || 'VISA',
      digital_wallet: 'APPLE_PAY',
    });
  }

  let token: SavedToken | undefined;
  if (fields.card_number) {
    const card = trustedCard(sim, fields, failStatus);
    if ('response_code' in card) return refuse(card);
    token = card;
  } else {
    token = sim.state.tokens.get(String(fields.token_name));
  }
  if (!token || token.status !== 'ACTIVE') return refuse(refusal('044', undefined, failStatus));
  const visa = checkVisaAmount(token.brand, fields);
  if (visa) return refuse(visa);
  const cardFields: ApsParams = {
    token_name: token.token_name,
    card_number: token.card_number,
    expiry_date: token.expiry_date,
    card_bin: token.card_bin,
    payment_option: fields.payment_option ?? token.brand,
  };
  if (token.card_holder_name) cardFields.card_holder_name = token.card_holder_name;
  let months: number | undefined;
  if (fields.installments === 'YES' || fields.installments === 'HOSTED') {
    const { plan, problem } = planProblem(
      String(fields.issuer_code),
      String(fields.plan_code),
      Number(fields.amount),
      token.card_bin,
    );
    if (problem) return refuse(refusal('033', problem));
    months = plan!.months;
    cardFields.number_of_installments = String(months);
  }

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
    !fields.card_number &&
    fields.card_security_code &&
    sim.state.tokenCvv.has(token.token_name) &&
    sim.state.tokenCvv.get(token.token_name) !== fields.card_security_code
  ) {
    return final(false, '666', cardFields);
  }
  // 3-D Secure needs the cardholder; a mail or telephone order (MOTO) has none, and mada never skips it.
  const skip3ds = (fields.check_3ds === 'NO' && token.brand !== 'MADA') || fields.eci === 'MOTO';
  if (token.threeDs && !skip3ds) {
    // Where the customer goes after 3-D Secure when the purchase names no return_url: the return_url of the
    // TOKENIZATION that made the token. The API reference lists return_url as optional in the server-to-server
    // purchase (merchant page 2.0 operations, trusted channel), and the official PHP SDK's standard and custom
    // checkouts send their purchase without one (ResponseAdapter::handleAuthorization) while their return handler
    // receives the 3-D Secure result at the tokenization's return_url (its ?discriminator= marks the flow). With
    // neither (a trusted-channel card), there is nowhere to send the result: 037 "Missing return URL".
    const returnUrl =
      typeof fields.return_url === 'string' ? fields.return_url : sim.tokenReturnUrls.get(token.token_name);
    if (!returnUrl)
      return refuse(refusal('037', 'a 3-D Secure card needs return_url (or a tokenization that gave one)'));
    const session: Session = {
      sid: randomBytes(12).toString('hex'),
      kind: 'api3ds',
      request: fields,
      lang,
      returnUrl,
      fortId: sim.state.newFortId(),
      lpmStep: 0,
      lpmInputs: {},
      finished: false,
      plan: months,
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
    delete result.number_of_installments;
    recordPayment(sim.state, fields, result);
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
  apple: boolean,
  finish: Finish,
  refuse: Refuse,
): Answer {
  const statuses = { CAPTURE: ['04', '05'], REFUND: ['06', '07'], VOID_AUTHORIZATION: ['08', '09'] }[op];
  const txn =
    sim.state.transactions.get(String(fields.merchant_reference)) ??
    (fields.fort_id ? sim.state.findByFortId(String(fields.fort_id)) : undefined);
  if (!txn) return finish(fail(refusal('036', undefined, statuses[1])));
  if (fields.fort_id && txn.fort_id !== fields.fort_id)
    return refuse(refusal('033', 'fort_id does not belong to merchant_reference'));
  const no = (message3: string, detail?: string) => {
    const answer = finish(fail(refusal(message3, detail, statuses[1])));
    recordOperation(sim.state, txn, answer);
    return answer;
  };
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
  const answer = finish({ ...ok(statuses[0], lang), fort_id: txn.fort_id });
  recordOperation(sim.state, txn, answer);
  // The notification repeats the answer, so it is signed like the answer: with the Apple Pay phrase when the Apple Pay
  // access code asked (the WooCommerce plugin verifies it that way: Apple Pay phrases for the Apple Pay access code).
  sim.feedback.send('notification', sim.feedbackTarget('notification', apple), answer);
  return answer;
}

function checkStatus(sim: Simulator, fields: ApsParams, lang: Lang, finish: Finish): Answer {
  const txn =
    (fields.merchant_reference ? sim.state.transactions.get(String(fields.merchant_reference)) : undefined) ??
    (fields.fort_id ? sim.state.findByFortId(String(fields.fort_id)) : undefined);
  if (!txn) return finish(fail(refusal('036', undefined, '12')));
  return finish({ ...ok('12', lang), ...orderStatus(txn, fields.return_third_party_response_codes === 'YES') });
}

function updateToken(sim: Simulator, fields: ApsParams, lang: Lang, finish: Finish): Answer {
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

function generateOtp(sim: Simulator, fields: ApsParams, lang: Lang, finish: Finish, refuse: Refuse): Answer {
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

function installmentPlans(sim: Simulator, fields: ApsParams, lang: Lang, finish: Finish): Answer {
  const issuerCode = typeof fields.issuer_code === 'string' ? fields.issuer_code : undefined;
  if (issuerCode && !issuerByCode(issuerCode))
    return finish(fail(refusal('033', `issuer_code ${issuerCode} is not an installment issuer`, '63')));
  return finish({
    ...ok('62', lang),
    installment_detail: installmentDetail({
      origin: sim.origin,
      amount: fields.amount === undefined ? undefined : Number(fields.amount),
      currency: typeof fields.currency === 'string' ? fields.currency : 'SAR',
      issuerCode,
    }),
  });
}
