import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { PAYMENT_METHODS, classifyResponse } from '../../../../shared/aps/catalog';
import { computeSignature, hashSignatureString, type ApsParams } from '../../aps/signature';
import { responseSignatureOk } from '../sign';
import { describeError } from '../../errors';
import { autoPostPage } from '../html';
import {
  clientAddress,
  closeServer,
  guard,
  listen,
  parseForm,
  readBody,
  seeOther,
  sendHtml,
  sendJson,
  sendText,
  type Fields,
} from '../http';
import { TOKENIZATION_UNSIGNED_FIELDS } from '../../../../shared/aps/sha';
import type { SimulatorConfig } from '../simulator/config';
import { parseFaults, type StoreFault } from './faults';
import { st, type Lang } from './i18n';
import { STORE_METHODS, isStoreMethod, type Order, type SavedCard, type StoreMethod, type Subscription } from './model';
import {
  accountPage,
  checkoutPage,
  customCardPage,
  errorPage,
  money,
  productPage,
  receiptPage,
  stcPayPage,
  subscribePage,
  threeDsFramePage,
  type View,
} from './pages';

/** The store holds the same credentials the simulator checks; one definition so they cannot drift apart. */
export type MerchantCredentials = Pick<
  SimulatorConfig,
  | 'merchant_identifier'
  | 'access_code'
  | 'sha_request_phrase'
  | 'sha_response_phrase'
  | 'sha_type'
  | 'apple_access_code'
  | 'apple_sha_request_phrase'
  | 'apple_sha_response_phrase'
  | 'apple_sha_type'
>;

export interface StoreOptions {
  host?: string;
  port?: number;
  paymentPage: string;
  paymentApi: string;
  merchant: MerchantCredentials;
  /** Faults on for every order, on top of the ones an order's `fault` query names. */
  faults?: StoreFault[];
}

const STATIC_EMAIL = 'customer@example.com';
const STATIC_IP = '10.10.10.10';
const STATIC_STC_PHONE = '0500000000';
const STATIC_STC_OTP = '123456';
const SUBSCRIPTION = { amount: 5000, currency: 'SAR', count: 12, days: 30 };
const EMAIL_RE = /^[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function langOf(value: string | null | undefined): Lang {
  return value === 'ar' ? 'ar' : 'en';
}

/**
 * The demo merchant: a correct APS integration (hosted checkout, custom integration with 3DS, saved cards,
 * installments, recurring, Apple Pay, STC Pay, the local methods) whose fault switches reproduce the integrators'
 * mistakes one at a time.
 */
export class DemoStore {
  readonly orders = new Map<string, Order>();
  readonly savedCards = new Map<string, SavedCard[]>();
  readonly subscriptions = new Map<string, Subscription>();
  origin = '';
  private server?: http.Server;
  private seq = 0;

  constructor(readonly options: StoreOptions) {}

  async start(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    this.server = http.createServer(guard((req, res) => this.route(req, res)));
    const port = await listen(this.server, host, this.options.port ?? 0);
    this.origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  async close(): Promise<void> {
    if (this.server) await closeServer(this.server);
  }

  private newRef(prefix = 'CK'): string {
    this.seq += 1;
    return `${prefix}-${Date.now().toString(36).toUpperCase()}-${this.seq}${randomBytes(2).toString('hex').toUpperCase()}`;
  }

  private faultsOf(text: string | null | undefined): StoreFault[] {
    const own = parseFaults(text);
    return [...new Set([...(this.options.faults ?? []), ...own])];
  }

  private view(lang: Lang, faults: StoreFault[] | string): View {
    const f = Array.isArray(faults) ? faults.join(',') : faults;
    return {
      lang,
      keep: (extra = {}) => {
        const q = new URLSearchParams(extra);
        if (lang === 'ar') q.set('lang', 'ar');
        if (f) q.set('fault', f);
        const s = q.toString();
        return s ? `?${s}` : '';
      },
    };
  }

  /** return_url: https on the store's own loopback origin (the simulator delivers it over http; see docs). */
  private returnUrl(order: Order): string {
    const origin = order.faults.includes('http-return-url') ? this.origin : this.origin.replace(/^http:/, 'https:');
    return `${origin}${order.faults.includes('return-get-only') ? '/return-get' : '/return'}`;
  }

  private sign(fields: Fields | ApsParams, order: Order, apple = false): string {
    const m = this.options.merchant;
    const phrase = apple ? m.apple_sha_request_phrase : m.sha_request_phrase;
    const type = apple ? m.apple_sha_type : m.sha_type;
    if (order.faults.includes('sign-empty-params')) {
      // The mistake: every posted field goes into the string, empty ones as "name=".
      const names = Object.keys(fields)
        .filter(
          (k) =>
            k !== 'signature' &&
            !(
              fields.service_command === 'TOKENIZATION' &&
              (TOKENIZATION_UNSIGNED_FIELDS as readonly string[]).includes(k)
            ),
        )
        .sort();
      const body = names.map((k) => `${k}=${String((fields as Record<string, unknown>)[k] ?? '')}`).join('');
      return hashSignatureString(phrase + body + phrase, phrase, type);
    }
    return computeSignature(fields as ApsParams, phrase, type);
  }

  /** Fields every request of this order carries, with the faults that add to them. */
  private withFaultFields(fields: Fields, order: Order, form: boolean): Fields {
    const out = { ...fields };
    if (order.faults.includes('sign-empty-params')) out.customer_name = '';
    if (form && order.faults.includes('extra-param'))
      out.integration_type = order.flow === 'custom' ? 'custom' : 'hosted';
    return out;
  }

  private verify(fields: ApsParams, order: Order, apple = false): { ok: boolean; why?: string } {
    if (order.faults.includes('no-response-signature-check')) return { ok: true };
    const m = this.options.merchant;
    if (typeof fields.signature !== 'string') {
      return {
        ok: false,
        why:
          fields.status === '00'
            ? `APS refused the request: ${fields.response_code} ${fields.response_message ?? ''}`
            : 'the response carries no signature',
      };
    }
    const ok = responseSignatureOk(
      fields,
      apple ? m.apple_sha_response_phrase : m.sha_response_phrase,
      apple ? m.apple_sha_type : m.sha_type,
    );
    return ok ? { ok: true } : { ok: false, why: 'the response signature does not match' };
  }

  private amountOk(fields: ApsParams, order: Order): boolean {
    if (order.faults.includes('no-amount-validation')) return true;
    if (fields.amount === undefined) return true;
    return (
      String(fields.amount) === String(order.amount) &&
      (fields.currency === undefined || fields.currency === order.currency)
    );
  }

  private newOrder(
    o: Partial<Order> & Pick<Order, 'flow' | 'method' | 'amount' | 'currency' | 'email' | 'ip' | 'lang' | 'faults'>,
  ): Order {
    const order: Order = { ref: this.newRef(), createdAt: new Date().toISOString(), state: 'new', feedback: [], ...o };
    this.orders.set(order.ref, order);
    return order;
  }

  private customerIp(req: http.IncomingMessage, faults: StoreFault[]): string {
    return faults.includes('static-ip') ? STATIC_IP : clientAddress(req);
  }

  private async callApi(fields: Fields | ApsParams): Promise<ApsParams> {
    const res = await fetch(this.options.paymentApi, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
      signal: AbortSignal.timeout(15_000),
    });
    return (await res.json()) as ApsParams;
  }

  private baseFields(order: Order, apple = false): Fields {
    const m = this.options.merchant;
    return {
      access_code: apple ? m.apple_access_code : m.access_code,
      merchant_identifier: m.merchant_identifier,
      merchant_reference: order.ref,
      language: order.lang,
    };
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://store');
    const p = url.pathname;
    const parts = p.split('/').filter(Boolean);
    const q = url.searchParams;
    const lang = langOf(q.get('lang'));
    let faults: StoreFault[];
    try {
      faults = this.faultsOf(q.get('fault'));
    } catch (err) {
      return sendText(res, 400, describeError(err));
    }
    const v = this.view(lang, faults);
    const get = req.method === 'GET';
    const post = req.method === 'POST';

    if (get && p === '/') {
      const method = q.get('method') ?? '';
      return sendHtml(res, 200, productPage(v, isStoreMethod(method) ? method : undefined));
    }
    if (get && p === '/checkout') {
      const method = q.get('method') ?? 'card';
      return sendHtml(
        res,
        200,
        checkoutPage(v, {
          method: isStoreMethod(method) ? method : 'card',
          email: q.get('email') ?? '',
          faults: faults.join(','),
        }),
      );
    }
    if (post && p === '/order') return this.placeOrder(req, res);
    if (parts[0] === 'pay' && parts[1]) {
      const order = this.orders.get(parts[1]);
      if (!order) return this.notFound(res, v);
      if (get && parts.length === 2) return this.customCard(res, order);
      if (post && parts[2] === 'saved') return this.paySaved(req, res, order);
      if (post && parts[2] === 'card') return this.serverTokenization(req, res, order);
    }
    if (p === '/return') {
      if (!post) return sendText(res, 405, 'APS returns results as a POST form.', { allow: 'POST' });
      return this.handleReturn(res, parseForm(await readBody(req)));
    }
    if (p === '/return-get') {
      // The fault: a handler written for GET only, as some frameworks route by default.
      if (!get) return sendText(res, 405, 'Method Not Allowed', { allow: 'GET' });
      return this.handleReturn(res, Object.fromEntries(q));
    }
    if (get && parts[0] === 'receipt' && parts[1]) {
      const order = this.orders.get(parts[1]);
      if (!order) return this.notFound(res, v);
      return this.receipt(res, order);
    }
    if (get && parts[0] === '3ds' && parts[1]) {
      const order = this.orders.get(parts[1]);
      const url3ds = order?.result?.['3ds_url'];
      if (!order || !url3ds) return this.notFound(res, v);
      return sendHtml(
        res,
        200,
        threeDsFramePage(this.view(order.lang, order.faults), {
          url: url3ds,
          mode: q.get('mode') === 'popup' ? 'popup' : 'iframe',
        }),
      );
    }
    if (parts[0] === 'stcpay' && parts[1]) {
      const order = this.orders.get(parts[1]);
      if (!order) return this.notFound(res, v);
      return this.stcPay(req, res, order, parts[2]);
    }
    if (p === '/subscribe') {
      if (get) return sendHtml(res, 200, this.subscribeView(v, faults));
      if (post) return this.subscribe(req, res);
    }
    if (post && parts[0] === 'subscription' && parts[1] && (parts[2] === 'charge' || parts[2] === 'cancel')) {
      const sub = this.subscriptions.get(parts[1]);
      if (!sub) return this.notFound(res, v);
      return parts[2] === 'charge' ? this.chargeNext(req, res, sub) : this.cancelSubscription(res, sub);
    }
    if (get && p === '/account') {
      const email = q.get('email') ?? '';
      return sendHtml(res, 200, accountPage(v, { email, cards: this.savedCards.get(email.toLowerCase()) ?? [] }));
    }
    if (post && p === '/account/cards/delete') return this.deleteCard(req, res);
    if (post && p === '/applepay/validate') return this.applePayValidate(req, res);
    if (post && p === '/applepay/pay') return this.applePayPay(req, res);
    if (post && (p === '/feedback/direct' || p === '/feedback/notification')) return this.feedback(req, res, parts[1]);
    if (get && parts[0] === '__store' && parts[1] === 'orders' && parts[2]) {
      const order = this.orders.get(parts[2]);
      return order ? sendJson(res, 200, order) : sendJson(res, 404, { error: `no order ${parts[2]}` });
    }
    return this.notFound(res, v);
  }

  private notFound(res: http.ServerResponse, v: View): void {
    const e = errorPage(v, 'Page or order not found.', 404);
    sendHtml(res, e.status, e.html);
  }

  private async placeOrder(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = parseForm(await readBody(req));
    const lang = langOf(form.lang);
    const faults = this.faultsOf(form.fault);
    const method: StoreMethod = isStoreMethod(form.method ?? '') ? (form.method as StoreMethod) : 'card';
    const typed = (form.email ?? '').trim();
    if (!EMAIL_RE.test(typed)) {
      return sendHtml(
        res,
        400,
        checkoutPage(this.view(lang, faults), {
          method,
          email: typed,
          error: st(lang).emailError,
          faults: faults.join(','),
        }),
      );
    }
    const info = STORE_METHODS[method];
    const order = this.newOrder({
      flow: info.flow,
      method,
      amount: info.amount,
      currency: info.currency,
      lang,
      faults,
      email: faults.includes('static-email') ? STATIC_EMAIL : typed,
      ip: this.customerIp(req, faults),
    });
    if (info.flow === 'custom') return seeOther(res, `/pay/${order.ref}`);
    if (info.flow === 'stcpay') return seeOther(res, `/stcpay/${order.ref}`);
    const fields: Fields = {
      command: 'PURCHASE',
      ...this.baseFields(order),
      amount: String(order.amount),
      currency: order.currency,
      customer_email: order.email,
      customer_ip: order.ip,
      return_url: this.returnUrl(order),
      order_description: `Order ${order.ref}`,
    };
    if (info.paymentOption) fields.payment_option = info.paymentOption;
    if (method === 'installments') fields.installments = 'STANDALONE';
    return this.postToPaymentPage(res, order, fields);
  }

  private postToPaymentPage(res: http.ServerResponse, order: Order, base: Fields): void {
    const fields = this.withFaultFields(base, order, true);
    fields.signature = this.sign(fields, order);
    sendHtml(
      res,
      200,
      autoPostPage(this.options.paymentPage, fields, {
        lang: order.lang,
        title: st(order.lang).checkout,
        note: '…',
        testid: 'payment-form',
      }),
    );
  }

  private customCard(res: http.ServerResponse, order: Order): void {
    const hidden = this.withFaultFields(
      {
        service_command: 'TOKENIZATION',
        ...this.baseFields(order),
        return_url: this.returnUrl(order),
      },
      order,
      true,
    );
    hidden.signature = this.sign(hidden, order);
    const serverSide = order.faults.includes('server-tokenization');
    sendHtml(
      res,
      200,
      customCardPage(this.view(order.lang, order.faults), {
        order,
        hidden,
        action: serverSide ? `/pay/${order.ref}/card` : this.options.paymentPage,
        saved: this.savedCards.get(order.email.toLowerCase()) ?? [],
        savedAction: `/pay/${order.ref}/saved`,
      }),
    );
  }

  /** The fault: card data goes through the merchant's server, which posts TOKENIZATION itself. */
  private async serverTokenization(req: http.IncomingMessage, res: http.ServerResponse, order: Order): Promise<void> {
    const form = parseForm(await readBody(req));
    if (form.merchant_reference !== order.ref) return this.notFound(res, this.view(order.lang, order.faults));
    const r = await fetch(this.options.paymentPage, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const html = await r.text();
    const fields: Fields = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
      fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
    return this.handleReturn(res, fields);
  }

  /** return_url: verify, check the amount, then act on what came back. */
  private async handleReturn(res: http.ServerResponse, fields: Fields): Promise<void> {
    const order = this.orders.get(fields.merchant_reference ?? '');
    if (!order) return this.notFound(res, this.view('en', []));
    const v = this.view(order.lang, order.faults);
    const check = this.verify(fields, order, fields.digital_wallet === 'APPLE_PAY');
    if (!check.ok) {
      if (fields.status === '00' && fields.signature === undefined) {
        // An unsigned invalid-request answer: show it, trust nothing else in it.
        order.result = {
          response_code: fields.response_code ?? '',
          response_message: fields.response_message ?? '',
          status: '00',
        };
        order.state = 'error';
        order.completedAt = new Date().toISOString();
        return seeOther(res, `/receipt/${order.ref}`);
      }
      order.note = check.why;
      const e = errorPage(v, `${st(order.lang).notVerified} (${check.why})`);
      return sendHtml(res, e.status, e.html);
    }
    if (!this.amountOk(fields, order)) {
      order.note = `amount ${fields.amount} ${fields.currency ?? ''} differs from the order's ${order.amount} ${order.currency}`;
      const e = errorPage(v, `${st(order.lang).notVerified} (${order.note})`);
      return sendHtml(res, e.status, e.html);
    }
    if (fields.service_command === 'TOKENIZATION') {
      if (fields.response_code !== '18000' || !fields.token_name) return this.settle(res, order, fields);
      order.saveCard = fields.remember_me === 'YES';
      return this.purchaseWithToken(res, order, fields.token_name, undefined);
    }
    return this.settle(res, order, fields);
  }

  /** Server-to-server PURCHASE with a token (after tokenization, or a saved card with its CVV). */
  private async purchaseWithToken(
    res: http.ServerResponse,
    order: Order,
    tokenName: string,
    cvv: string | undefined,
  ): Promise<void> {
    const fields: Fields = this.withFaultFields(
      {
        command: 'PURCHASE',
        ...this.baseFields(order),
        amount: String(order.amount),
        currency: order.currency,
        customer_email: order.email,
        customer_ip: order.ip,
        token_name: tokenName,
        eci: 'ECOMMERCE',
        return_url: this.returnUrl(order),
      },
      order,
      false,
    );
    if (cvv) fields.card_security_code = cvv;
    if (order.saveCard) fields.remember_me = 'YES';
    fields.signature = this.sign(fields, order);
    const answer = await this.callApi(fields);
    const check = this.verify(answer, order);
    if (!check.ok || !this.amountOk(answer, order)) {
      order.note = check.why ?? 'amount mismatch';
      const e = errorPage(this.view(order.lang, order.faults), `${st(order.lang).notVerified} (${order.note})`);
      return sendHtml(res, e.status, e.html);
    }
    const url3ds = answer['3ds_url'];
    if (answer.response_code === '20064' && typeof url3ds === 'string' && url3ds) {
      order.state = 'awaiting-3ds';
      order.result = stringify(answer);
      if (order.faults.includes('3ds-iframe')) return seeOther(res, `/3ds/${order.ref}?mode=iframe`);
      if (order.faults.includes('3ds-popup')) return seeOther(res, `/3ds/${order.ref}?mode=popup`);
      // Dynamic 3DS: the top window goes to 3ds_url (a 303 answer to a top-level navigation).
      return seeOther(res, url3ds);
    }
    return this.settle(res, order, stringify(answer));
  }

  /** Records a verified final answer and shows the receipt. */
  private settle(res: http.ServerResponse, order: Order, fields: Fields): void {
    this.record(order, fields);
    seeOther(res, `/receipt/${order.ref}`);
  }

  private record(order: Order, fields: Fields): void {
    order.result = fields;
    order.completedAt = new Date().toISOString();
    const cls = classifyResponse(fields.response_code ?? '');
    order.state =
      cls === 'success'
        ? order.flow === 'delete-card' || order.flow === 'subscription-cancel'
          ? 'done'
          : 'paid'
        : cls === 'declined'
          ? 'declined'
          : 'error';
    if (order.state === 'paid' && fields.token_name && order.saveCard) this.rememberCard(order.email, fields);
    if (order.state === 'paid' && order.flow === 'recurring-cit' && fields.token_name && fields.agreement_id) {
      this.subscriptions.set(order.ref, {
        id: order.ref,
        email: order.email,
        ip: order.ip,
        lang: order.lang,
        token_name: fields.token_name,
        agreement_id: fields.agreement_id,
        amount: order.amount,
        currency: order.currency,
        status: 'active',
        citRef: order.ref,
        charges: [],
      });
      order.subscriptionId = order.ref;
    }
  }

  private rememberCard(email: string, fields: Fields): void {
    const key = email.toLowerCase();
    const list = this.savedCards.get(key) ?? [];
    if (!list.some((c) => c.token_name === fields.token_name)) {
      const exp = fields.expiry_date ?? '';
      list.push({
        token_name: fields.token_name,
        masked: fields.card_number ?? '',
        expiry: exp.length === 4 ? `${exp.slice(2)}/${exp.slice(0, 2)}` : exp,
        brand: fields.payment_option ?? '',
      });
    }
    this.savedCards.set(key, list);
  }

  private receipt(res: http.ServerResponse, order: Order): void {
    const s = st(order.lang);
    const v = this.view(order.lang, order.faults);
    const code = order.result?.response_code ?? '';
    const cls = classifyResponse(code);
    let outcome: 'success' | 'declined' | 'error' | 'pending' =
      cls === 'success'
        ? 'success'
        : cls === 'declined'
          ? 'declined'
          : cls === 'pending' || cls === 'on-hold' || cls === '3ds-required'
            ? 'pending'
            : 'error';
    if (!order.result) outcome = 'pending';
    const title =
      order.flow === 'delete-card' && outcome === 'success'
        ? s.cardDeleted
        : order.flow === 'subscription-cancel' && outcome === 'success'
          ? s.subscriptionCancelled
          : {
              success: s.receiptSuccess,
              declined: s.receiptDeclined,
              error: s.receiptError,
              pending: s.receiptPending,
            }[outcome];
    const sub = order.subscriptionId ? this.subscriptions.get(order.subscriptionId) : undefined;
    const option = order.result?.payment_option as keyof typeof PAYMENT_METHODS | undefined;
    const known =
      option && PAYMENT_METHODS[option]
        ? order.lang === 'ar'
          ? PAYMENT_METHODS[option].labelAr
          : PAYMENT_METHODS[option].label
        : undefined;
    const methodLabel =
      order.method === 'applepay'
        ? `Apple Pay${known ? ` (${known})` : ''}`
        : order.flow === 'stcpay'
          ? order.lang === 'ar'
            ? PAYMENT_METHODS.STCPAY.labelAr
            : PAYMENT_METHODS.STCPAY.label
          : (known ?? s.methods[order.method] ?? '');
    sendHtml(
      res,
      200,
      receiptPage(v, {
        order,
        outcome,
        title,
        methodLabel,
        hideKnetIds: order.faults.includes('knet-receipt-missing-ids'),
        hasSavedCards: (this.savedCards.get(order.email.toLowerCase()) ?? []).length > 0,
        subscriptionActions:
          sub && sub.status === 'active' && order.flow !== 'subscription-cancel' ? { id: sub.id } : undefined,
        date: (order.completedAt ?? order.createdAt).replace('T', ' ').slice(0, 19) + ' UTC',
      }),
    );
  }

  private async paySaved(req: http.IncomingMessage, res: http.ServerResponse, order: Order): Promise<void> {
    const form = parseForm(await readBody(req));
    const cards = this.savedCards.get(order.email.toLowerCase()) ?? [];
    if (!cards.some((c) => c.token_name === form.token_name))
      return this.notFound(res, this.view(order.lang, order.faults));
    order.saveCard = false;
    return this.purchaseWithToken(res, order, form.token_name, form.card_security_code);
  }

  private async stcPay(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    order: Order,
    step: string | undefined,
  ): Promise<void> {
    const v = this.view(order.lang, order.faults);
    if (req.method === 'GET' && !step)
      return sendHtml(res, 200, stcPayPage(v, { order, step: 'phone', action: `/stcpay/${order.ref}/otp` }));
    if (req.method === 'GET' && step === 'otp')
      return sendHtml(res, 200, stcPayPage(v, { order, step: 'otp', action: `/stcpay/${order.ref}/pay` }));
    if (req.method !== 'POST') return this.notFound(res, v);
    const form = parseForm(await readBody(req));
    if (step === 'otp') {
      const phone = order.faults.includes('static-stcpay')
        ? STATIC_STC_PHONE
        : (form.phone ?? '').replace(/[\s-]/g, '');
      if (!/^(05\d{8}|\+?9665\d{8})$/.test(phone))
        return sendHtml(
          res,
          400,
          stcPayPage(v, { order, step: 'phone', action: `/stcpay/${order.ref}/otp`, error: st(order.lang).phone }),
        );
      order.stcPhone = phone;
      const fields: Fields = this.withFaultFields(
        {
          service_command: 'GENERATE_OTP',
          ...this.baseFields(order),
          amount: String(order.amount),
          currency: order.currency,
          digital_wallet: 'STCPAY',
          phone_number: phone,
        },
        order,
        false,
      );
      fields.signature = this.sign(fields, order);
      const answer = await this.callApi(fields);
      const check = this.verify(answer, order);
      if (!check.ok || answer.response_code !== '88000') return this.settle(res, order, stringify(answer));
      return seeOther(res, `/stcpay/${order.ref}/otp`);
    }
    if (step === 'pay') {
      const otp = order.faults.includes('static-stcpay') ? STATIC_STC_OTP : (form.otp ?? '').trim();
      const fields: Fields = this.withFaultFields(
        {
          command: 'PURCHASE',
          ...this.baseFields(order),
          amount: String(order.amount),
          currency: order.currency,
          customer_email: order.email,
          customer_ip: order.ip,
          digital_wallet: 'STCPAY',
          phone_number: order.stcPhone ?? '',
          otp,
        },
        order,
        false,
      );
      fields.signature = this.sign(fields, order);
      const answer = await this.callApi(fields);
      const check = this.verify(answer, order);
      if (!check.ok || !this.amountOk(answer, order)) {
        const e = errorPage(v, `${st(order.lang).notVerified} (${check.why ?? 'amount mismatch'})`);
        return sendHtml(res, e.status, e.html);
      }
      return this.settle(res, order, stringify(answer));
    }
    return this.notFound(res, v);
  }

  private subscribeView(v: View, faults: StoreFault[], error?: string): string {
    const until = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
    return subscribePage(v, {
      amount: money(SUBSCRIPTION.amount, SUBSCRIPTION.currency),
      count: SUBSCRIPTION.count,
      days: SUBSCRIPTION.days,
      until,
      faults: faults.join(','),
      error,
    });
  }

  private async subscribe(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = parseForm(await readBody(req));
    const lang = langOf(form.lang);
    const faults = this.faultsOf(form.fault);
    const typed = (form.email ?? '').trim();
    if (!EMAIL_RE.test(typed) || form.consent !== 'yes') {
      return sendHtml(res, 400, this.subscribeView(this.view(lang, faults), faults, st(lang).emailError));
    }
    const order = this.newOrder({
      flow: 'recurring-cit',
      method: 'recurring',
      amount: SUBSCRIPTION.amount,
      currency: SUBSCRIPTION.currency,
      lang,
      faults,
      email: faults.includes('static-email') ? STATIC_EMAIL : typed,
      ip: this.customerIp(req, faults),
    });
    // Unique, letters and digits only, at most 15: the go-live rule for agreement_id.
    const agreement = faults.includes('bad-agreement-id')
      ? `SUB-${order.ref}-monthly`
      : `SUB${Date.now().toString(36).toUpperCase().slice(-8)}${randomBytes(2).toString('hex').toUpperCase()}`.slice(
          0,
          15,
        );
    order.agreementId = agreement;
    order.saveCard = false;
    const until = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
    return this.postToPaymentPage(res, order, {
      command: 'PURCHASE',
      ...this.baseFields(order),
      amount: String(order.amount),
      currency: order.currency,
      customer_email: order.email,
      customer_ip: order.ip,
      return_url: this.returnUrl(order),
      eci: 'ECOMMERCE',
      remember_me: 'YES',
      agreement_id: agreement,
      recurring_mode: 'FIXED',
      recurring_transactions_count: String(SUBSCRIPTION.count),
      recurring_expiry_date: until,
      recurring_days_between_payments: String(SUBSCRIPTION.days),
      order_description: 'Monthly coffee club',
    });
  }

  /** Merchant-initiated charge: eci RECURRING with the CIT's token and the agreement_id APS returned. */
  private async chargeNext(req: http.IncomingMessage, res: http.ServerResponse, sub: Subscription): Promise<void> {
    await readBody(req);
    const cit = this.orders.get(sub.citRef);
    const order = this.newOrder({
      flow: 'recurring-mit',
      method: 'recurring',
      amount: sub.amount,
      currency: sub.currency,
      lang: sub.lang,
      faults: cit?.faults ?? [],
      email: sub.email,
      ip: sub.ip,
      subscriptionId: sub.id,
    });
    const fields: Fields = this.withFaultFields(
      {
        command: 'PURCHASE',
        ...this.baseFields(order),
        amount: String(order.amount),
        currency: order.currency,
        customer_email: sub.email,
        customer_ip: sub.ip,
        eci: 'RECURRING',
        token_name: sub.token_name,
        agreement_id: sub.agreement_id,
        order_description: 'Monthly coffee club',
      },
      order,
      false,
    );
    fields.signature = this.sign(fields, order);
    const answer = stringify(await this.callApi(fields));
    if (!this.verify(answer, order).ok)
      return this.settle(res, order, { response_code: '', response_message: 'response signature invalid' });
    sub.charges.push(order.ref);
    return this.settle(res, order, answer);
  }

  private async cancelSubscription(res: http.ServerResponse, sub: Subscription): Promise<void> {
    const cit = this.orders.get(sub.citRef);
    const order = this.newOrder({
      flow: 'subscription-cancel',
      method: 'recurring',
      amount: 0,
      currency: sub.currency,
      lang: sub.lang,
      faults: cit?.faults ?? [],
      email: sub.email,
      ip: sub.ip,
      subscriptionId: sub.id,
      agreementId: sub.agreement_id,
    });
    const answer = await this.updateToken(order, sub.token_name);
    if (classifyResponse(answer.response_code ?? '') === 'success') sub.status = 'cancelled';
    return this.settle(res, order, { ...answer, agreement_id: sub.agreement_id });
  }

  private async updateToken(order: Order, tokenName: string): Promise<Fields> {
    const fields: Fields = this.withFaultFields(
      {
        service_command: 'UPDATE_TOKEN',
        ...this.baseFields(order),
        token_name: tokenName,
        token_status: 'INACTIVE',
      },
      order,
      false,
    );
    fields.signature = this.sign(fields, order);
    const answer = await this.callApi(fields);
    const check = this.verify(answer, order);
    if (!check.ok)
      return { response_code: '', response_message: check.why ?? 'response not verified', token_name: tokenName };
    return stringify(answer);
  }

  private async deleteCard(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = parseForm(await readBody(req));
    const email = (form.email ?? '').toLowerCase();
    const lang = langOf(form.lang);
    const cards = this.savedCards.get(email) ?? [];
    if (!cards.some((c) => c.token_name === form.token_name)) return this.notFound(res, this.view(lang, []));
    const order = this.newOrder({
      flow: 'delete-card',
      method: 'card-custom',
      amount: 0,
      currency: 'SAR',
      lang,
      faults: [],
      email: form.email,
      ip: this.customerIp(req, []),
    });
    const answer = await this.updateToken(order, form.token_name);
    if (classifyResponse(answer.response_code ?? '') === 'success')
      this.savedCards.set(
        email,
        cards.filter((c) => c.token_name !== form.token_name),
      );
    return this.settle(res, order, answer);
  }

  private async applePayValidate(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: { validationURL?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as { validationURL?: unknown };
    } catch {
      return sendJson(res, 400, { error: 'body must be JSON' });
    }
    let host: string;
    try {
      const u = new URL(String(body.validationURL));
      host = u.protocol === 'https:' ? u.hostname : '';
    } catch {
      host = '';
    }
    // Only Apple's own hosts: the merchant's server must never be steered to another URL (SSRF).
    if (!host || !(host === 'apple.com' || host.endsWith('.apple.com')))
      return sendJson(res, 400, { error: 'validationURL must be https://*.apple.com/' });
    const now = Date.now();
    return sendJson(res, 200, {
      epochTimestamp: now,
      expiresAt: now + 3_600_000,
      merchantSessionIdentifier: `SSH${randomBytes(16).toString('hex')}`,
      nonce: randomBytes(4).toString('hex'),
      merchantIdentifier: 'merchant.com.certkit.demo',
      domainName: new URL(this.origin).hostname,
      displayName: 'Certkit Demo Store',
      signature: 'simulated',
      operationalAnalyticsIdentifier: 'certkit-demo',
      retries: 0,
    });
  }

  private async applePayPay(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: {
      email?: string;
      lang?: string;
      fault?: string;
      token?: { paymentData?: Record<string, unknown>; paymentMethod?: Record<string, unknown> };
    };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return sendJson(res, 400, { ok: false, error: 'body must be JSON' });
    }
    let faults: StoreFault[];
    try {
      faults = this.faultsOf(body.fault);
    } catch (err) {
      return sendJson(res, 400, { ok: false, error: (err as Error).message });
    }
    const lang = langOf(body.lang);
    const email = (body.email ?? '').trim();
    const data = body.token?.paymentData;
    const pm = body.token?.paymentMethod;
    if (!EMAIL_RE.test(email) || !data || !pm)
      return sendJson(res, 400, { ok: false, error: 'email and token.paymentData/paymentMethod are required' });
    const order = this.newOrder({
      flow: 'applepay',
      method: 'applepay',
      amount: 10000,
      currency: 'SAR',
      lang,
      faults,
      email: faults.includes('static-email') ? STATIC_EMAIL : email,
      ip: this.customerIp(req, faults),
    });
    const header: Record<string, string> = {};
    for (const [k, val] of Object.entries((data.header ?? {}) as Record<string, unknown>))
      header[`apple_${k}`] = String(val);
    const method: Record<string, string> = {};
    for (const [k, val] of Object.entries(pm)) method[`apple_${k}`] = String(val);
    const fields: ApsParams = {
      command: 'PURCHASE',
      digital_wallet: 'APPLE_PAY',
      ...this.baseFields(order, true),
      amount: String(order.amount),
      currency: order.currency,
      customer_email: order.email,
      customer_ip: order.ip,
      apple_data: String(data.data ?? ''),
      apple_signature: String(data.signature ?? ''),
      apple_header: header,
      apple_paymentMethod: method,
    };
    if (faults.includes('sign-empty-params')) fields.customer_name = '';
    fields.signature = this.sign(fields as Fields, order, true);
    const answer = await this.callApi(fields);
    const check = this.verify(answer, order, true);
    if (!check.ok || !this.amountOk(answer, order)) {
      order.note = check.why ?? 'amount mismatch';
      order.state = 'refused';
      return sendJson(res, 200, { ok: false, redirect: `/receipt/${order.ref}` });
    }
    this.record(order, stringify(answer));
    return sendJson(res, 200, { ok: order.state === 'paid', redirect: `/receipt/${order.ref}` });
  }

  /** Feedback endpoint: verify, attach to the order, settle it if the browser never came back; 200 when accepted. */
  private async feedback(req: http.IncomingMessage, res: http.ServerResponse, kind: string): Promise<void> {
    const raw = await readBody(req);
    let fields: ApsParams;
    try {
      fields = String(req.headers['content-type'] ?? '').includes('json')
        ? (JSON.parse(raw) as ApsParams)
        : parseForm(raw);
    } catch {
      return sendText(res, 400, 'feedback body is not JSON');
    }
    const order = this.orders.get(String(fields.merchant_reference ?? ''));
    if (!order) return sendText(res, 200, 'unknown order, ignored');
    const apple = fields.digital_wallet === 'APPLE_PAY';
    const check = this.verify(fields, { ...order, faults: [] }, apple);
    if (!check.ok) return sendText(res, 400, 'signature does not match');
    // A handler that treats a repeat as an error makes APS retry a result the shop already has, ten times.
    if (
      order.faults.includes('feedback-not-idempotent') &&
      order.feedback.some((f) => f.kind === kind && f.fields.fort_id === String(fields.fort_id ?? ''))
    ) {
      return sendText(res, 500, 'this transaction was already processed');
    }
    order.feedback.push({ kind, fields: stringify(fields), at: new Date().toISOString() });
    if (!order.result && kind === 'direct' && this.amountOk(fields, order)) this.record(order, stringify(fields));
    return sendText(res, 200, 'OK');
  }
}

function stringify(fields: ApsParams): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields))
    if (v !== undefined && v !== null) out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return out;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export async function startStore(options: StoreOptions): Promise<DemoStore> {
  const store = new DemoStore(options);
  await store.start();
  return store;
}
