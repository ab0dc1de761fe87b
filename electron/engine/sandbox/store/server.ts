import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { PAYMENT_METHODS, classifyResponse } from '../../../../shared/aps/catalog';
import { callPaymentApi, checkAnswer, type AnswerCheck, type ApsKeys } from '../../aps/client';
import { computeSignature, hashSignatureString, type ApsParams } from '../../aps/signature';
import { CertkitError, describeError } from '../../errors';
import { BoundedMap } from '../bounded';
import { autoPostPage, readHiddenInputs } from '../html';
import { findRoute, route as makeRoute, type Route, type RouteMethod } from '../router';
import {
  clientAddress,
  closeServer,
  guard,
  listen,
  parseForm,
  parseJsonBody,
  readBody,
  seeOther,
  sendHtml,
  sendJson,
  sendText,
  serverOptions,
  type Fields,
  type ServerTimeouts,
} from '../http';
import { TOKENIZATION_UNSIGNED_FIELDS } from '../../../../shared/aps/sha';
import type { SimulatorConfig } from '../simulator/config';
import { parseFaults, type StoreFault } from './faults';
import { st, type Lang } from './i18n';
import {
  STORE_METHODS,
  isStoreMethod,
  type IgnoredAnswer,
  type Order,
  type SavedCard,
  type StoreMethod,
  type Subscription,
} from './model';
import {
  accountPage,
  checkoutPage,
  customCardPage,
  standardCheckoutPage,
  errorPage,
  money,
  productPage,
  receiptPage,
  stcPayPage,
  subscribePage,
  threeDsFramePage,
  unconfirmedPage,
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
  /** How long a client may take to send its headers and its whole request (defaults: SERVER_LIMITS). */
  timeouts?: Partial<ServerTimeouts>;
}

const STATIC_EMAIL = 'customer@example.com';
const STATIC_IP = '10.10.10.10';
const STATIC_STC_PHONE = '0500000000';
const STATIC_STC_OTP = '123456';
const SUBSCRIPTION = { amount: 5000, currency: 'SAR', count: 12, days: 30 };
/** Orders (and customers' saved cards, subscriptions) the store keeps: hundreds of demo runs' worth. */
const STORE_KEPT = { count: 10_000 };
/** Ignored answers kept per order: enough to see an attack, too few to grow the order without bound. */
const IGNORED_KEPT = 20;
const EMAIL_RE = /^[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function langOf(value: string | null | undefined): Lang {
  return value === 'ar' ? 'ar' : 'en';
}

interface RouteContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** The path's `:name` parts. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Faults the query names, on top of the store's own. */
  faults: StoreFault[];
  view: View;
}

/** A store route: the handler gets the whole context, captures included. */
function route(method: RouteMethod, path: string, handle: (c: RouteContext) => Promise<void> | void) {
  return makeRoute<RouteContext>(method, path, handle);
}

/**
 * The demo merchant: a correct APS integration (hosted checkout, custom integration with 3DS, saved cards,
 * installments, recurring, Apple Pay, STC Pay, the local methods) whose fault switches reproduce the integrators'
 * mistakes one at a time.
 */
export class DemoStore {
  // A store left running keeps its newest orders, customers and subscriptions only (memory stays bounded).
  readonly orders = new BoundedMap<string, Order>(() => STORE_KEPT);
  readonly savedCards = new BoundedMap<string, SavedCard[]>(() => STORE_KEPT);
  readonly subscriptions = new BoundedMap<string, Subscription>(() => STORE_KEPT);
  origin = '';
  private server?: http.Server;
  private seq = 0;

  constructor(readonly options: StoreOptions) {}

  async start(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    this.server = http.createServer(
      serverOptions(this.options.timeouts),
      guard((req, res) => this.route(req, res)),
    );
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

  private sign(fields: ApsParams, order: Order, apple = false): string {
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
    return computeSignature(fields, phrase, type);
  }

  /** Fields every request of this order carries, with the faults that add to them. */
  private withFaultFields<T extends ApsParams>(fields: T, order: Order, form: boolean): T {
    const out: ApsParams = { ...fields };
    if (order.faults.includes('sign-empty-params')) out.customer_name = '';
    if (form && order.faults.includes('extra-param'))
      out.integration_type = order.flow === 'custom' ? 'custom' : 'hosted';
    return out as T;
  }

  private keys(apple: boolean): ApsKeys {
    const m = this.options.merchant;
    return apple
      ? {
          requestPhrase: m.apple_sha_request_phrase,
          responsePhrase: m.apple_sha_response_phrase,
          shaType: m.apple_sha_type,
        }
      : { requestPhrase: m.sha_request_phrase, responsePhrase: m.sha_response_phrase, shaType: m.sha_type };
  }

  /** An APS answer's signature, checked unless the order's fault skips the check. */
  private verify(fields: ApsParams, order: Order, apple = false): AnswerCheck {
    if (order.faults.includes('no-response-signature-check')) return { ok: true };
    return checkAnswer(fields, this.keys(apple));
  }

  /** Why a payment answer cannot be trusted (signature, then amount), or undefined when it can. */
  private untrusted(check: AnswerCheck, answer: ApsParams, order: Order): string | undefined {
    if (!check.ok) return check.why;
    return this.amountOk(answer, order) ? undefined : 'amount mismatch';
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

  /**
   * One server-to-server call for an order: the order's fault fields added, signed (the wrong way under
   * sign-empty-params), posted to paymentApi, and the answer's signature checked (unless a fault skips that).
   */
  private async callAps(
    order: Order,
    fields: ApsParams,
    apple = false,
  ): Promise<{ answer: ApsParams; check: AnswerCheck }> {
    const result = await callPaymentApi(this.withFaultFields(fields, order, false), {
      paymentApi: this.options.paymentApi,
      keys: this.keys(apple),
      sign: (f) => this.sign(f, order, apple),
    });
    return { answer: result.fields, check: this.verify(result.fields, order, apple) };
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

  /**
   * Every page and endpoint of the store, matched in order: method ('*' lets the handler answer other methods) and a
   * path whose `:name` parts are captured. Routes naming `:ref` answer 404 for an order the store does not know.
   */
  private readonly routes: Route<RouteContext>[] = [
    route('GET', '/', (c) => {
      const method = c.query.get('method') ?? '';
      sendHtml(c.res, 200, productPage(c.view, isStoreMethod(method) ? method : undefined));
    }),
    route('GET', '/checkout', (c) => {
      const method = c.query.get('method') ?? 'card';
      sendHtml(
        c.res,
        200,
        checkoutPage(c.view, {
          method: isStoreMethod(method) ? method : 'card',
          email: c.query.get('email') ?? '',
          faults: c.faults.join(','),
        }),
      );
    }),
    route('POST', '/order', (c) => this.placeOrder(c.req, c.res)),
    route('GET', '/pay/:ref', (c) => this.withOrder(c, (o) => this.customCard(c.res, o))),
    route('GET', '/standard/:ref', (c) => this.withOrder(c, (o) => this.standardCheckout(c.res, o))),
    route('POST', '/pay/:ref/saved', (c) => this.withOrder(c, (o) => this.paySaved(c.req, c.res, o))),
    route('POST', '/pay/:ref/card', (c) => this.withOrder(c, (o) => this.serverTokenization(c.req, c.res, o))),
    route('*', '/return', async (c) => {
      if (c.req.method !== 'POST')
        return sendText(c.res, 405, 'APS returns results as a POST form.', { allow: 'POST' });
      return this.handleReturn(c.res, parseForm(await readBody(c.req)));
    }),
    route('*', '/return/frame', async (c) => {
      if (c.req.method !== 'POST')
        return sendText(c.res, 405, 'APS returns results as a POST form.', { allow: 'POST' });
      // The standard checkout's answer arrives inside the payment frame. Nothing is decided in there: the signed
      // answer goes on, unchanged, to /return in the top window, so the payment and any 3-D Secure step that
      // follows happen in the main window, as APS requires.
      const fields = parseForm(await readBody(c.req));
      const order = this.orders.get(fields.merchant_reference ?? '');
      return sendHtml(
        c.res,
        200,
        autoPostPage('/return', fields, {
          lang: order?.lang ?? 'en',
          title: st(order?.lang ?? 'en').checkout,
          note: '…',
          testid: 'standard-breakout',
          target: '_top',
        }),
      );
    }),
    route('*', '/return-get', (c) => {
      // The fault: a handler written for GET only, as some frameworks route by default.
      if (c.req.method !== 'GET') return sendText(c.res, 405, 'Method Not Allowed', { allow: 'GET' });
      return this.handleReturn(c.res, Object.fromEntries(c.query));
    }),
    route('GET', '/receipt/:ref', (c) => this.withOrder(c, (o) => this.receipt(c.res, o))),
    route('GET', '/3ds/:ref', (c) =>
      this.withOrder(c, (o) => {
        const url = o.result?.['3ds_url'];
        if (!url) return this.notFound(c.res, c.view);
        const mode = c.query.get('mode') === 'popup' ? 'popup' : 'iframe';
        sendHtml(c.res, 200, threeDsFramePage(this.view(o.lang, o.faults), { url, mode }));
      }),
    ),
    route('*', '/stcpay/:ref', (c) => this.withOrder(c, (o) => this.stcPay(c.req, c.res, o, undefined))),
    route('*', '/stcpay/:ref/:step', (c) => this.withOrder(c, (o) => this.stcPay(c.req, c.res, o, c.params.step))),
    route('GET', '/subscribe', (c) => sendHtml(c.res, 200, this.subscribeView(c.view, c.faults))),
    route('POST', '/subscribe', (c) => this.subscribe(c.req, c.res)),
    route('POST', '/subscription/:id/charge', (c) =>
      this.withSubscription(c, (sub) => this.chargeNext(c.req, c.res, sub)),
    ),
    route('POST', '/subscription/:id/cancel', (c) =>
      this.withSubscription(c, (sub) => this.cancelSubscription(c.res, sub)),
    ),
    route('GET', '/account', (c) => {
      const email = c.query.get('email') ?? '';
      sendHtml(c.res, 200, accountPage(c.view, { email, cards: this.savedCards.get(email.toLowerCase()) ?? [] }));
    }),
    route('POST', '/account/cards/delete', (c) => this.deleteCard(c.req, c.res)),
    route('POST', '/applepay/validate', (c) => this.applePayValidate(c.req, c.res)),
    route('POST', '/applepay/pay', (c) => this.applePayPay(c.req, c.res)),
    route('POST', '/feedback/direct', (c) => this.feedback(c.req, c.res, 'direct')),
    route('POST', '/feedback/notification', (c) => this.feedback(c.req, c.res, 'notification')),
    route('GET', '/__store/orders/:ref', (c) => {
      const order = this.orders.get(c.params.ref);
      sendJson(c.res, order ? 200 : 404, order ?? { error: `no order ${c.params.ref}` });
    }),
  ];

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://store');
    let faults: StoreFault[];
    try {
      faults = this.faultsOf(url.searchParams.get('fault'));
    } catch (err) {
      if (!(err instanceof CertkitError)) throw err;
      return sendText(res, 400, describeError(err));
    }
    const view = this.view(langOf(url.searchParams.get('lang')), faults);
    const found = findRoute(this.routes, req.method, url.pathname);
    if (found) return found.route.handle({ req, res, params: found.params, query: url.searchParams, faults, view });
    return this.notFound(res, view);
  }

  /** For a route with `:ref`: the order, or the not-found page when the store has none by that name. */
  private withOrder(c: RouteContext, handle: (order: Order) => Promise<void> | void): Promise<void> | void {
    const order = this.orders.get(c.params.ref);
    return order ? handle(order) : this.notFound(c.res, c.view);
  }

  /** For a route with `:id`: the subscription, or the not-found page. */
  private withSubscription(c: RouteContext, handle: (sub: Subscription) => Promise<void>): Promise<void> | void {
    const sub = this.subscriptions.get(c.params.id);
    return sub ? handle(sub) : this.notFound(c.res, c.view);
  }

  private notFound(res: http.ServerResponse, v: View): void {
    const e = errorPage(v, 'Page or order not found.', 404);
    sendHtml(res, e.status, e.html);
  }

  /** Notes an answer the store did not act on, on the order it named (the last few only). */
  private ignore(order: Order, where: string, why: string, fields: ApsParams): void {
    const entry: IgnoredAnswer = { at: new Date().toISOString(), where, why };
    if (typeof fields.status === 'string') entry.status = fields.status.slice(0, 8);
    if (typeof fields.response_code === 'string') entry.response_code = fields.response_code.slice(0, 8);
    order.ignored = [...(order.ignored ?? []), entry].slice(-IGNORED_KEPT);
  }

  /** The page a shop shows when APS's answer fails its checks: nothing in it is trusted. */
  private notVerified(res: http.ServerResponse, order: Order, why: string): void {
    const e = errorPage(this.view(order.lang, order.faults), `${st(order.lang).notVerified} (${why})`);
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
    if (info.flow === 'standard') return seeOther(res, `/standard/${order.ref}`);
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
    const hidden = this.withFaultFields<Fields>(
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

  /** The standard checkout: TOKENIZATION without card data, posted into APS's card form in an iframe. */
  private standardCheckout(res: http.ServerResponse, order: Order): void {
    const fields = this.withFaultFields<Fields>(
      {
        service_command: 'TOKENIZATION',
        ...this.baseFields(order),
        // The answer lands in the frame first (see /return/frame).
        return_url: this.returnUrl(order).replace(/\/return$/, '/return/frame'),
      },
      order,
      true,
    );
    fields.signature = this.sign(fields, order);
    sendHtml(
      res,
      200,
      standardCheckoutPage(this.view(order.lang, order.faults), { order, action: this.options.paymentPage, fields }),
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
    return this.handleReturn(res, readHiddenInputs(await r.text()));
  }

  /** return_url: verify, check the amount, then act on what came back. */
  private async handleReturn(res: http.ServerResponse, fields: Fields): Promise<void> {
    const order = this.orders.get(fields.merchant_reference ?? '');
    if (!order) return this.notFound(res, this.view('en', []));
    const check = this.verify(fields, order, fields.digital_wallet === 'APPLE_PAY');
    if (!check.ok) {
      this.ignore(order, 'return', check.why, fields);
      if (fields.status === '00' && fields.signature === undefined) {
        // APS answers an invalid request (status 00) without a signature (integrator pitfall 16), so such an answer
        // may come from APS or from anyone who knows an order reference. It is not acted on either way: a refused
        // request took no payment, so the order stays as it was (a paid order stays paid, a pending one pending),
        // and the customer gets a page that claims neither success nor failure.
        const code = /^\d{5}$/.test(fields.response_code ?? '') ? fields.response_code : undefined;
        const v = this.view(order.lang, order.faults);
        return sendHtml(res, 200, unconfirmedPage(v, { ref: order.ref, responseCode: code }));
      }
      return this.notVerified(res, order, check.why);
    }
    if (!this.amountOk(fields, order)) {
      const why = `amount ${fields.amount} ${fields.currency ?? ''} differs from the order's ${order.amount} ${order.currency}`;
      this.ignore(order, 'return', why, fields);
      return this.notVerified(res, order, why);
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
    const fields: Fields = {
      command: 'PURCHASE',
      ...this.baseFields(order),
      amount: String(order.amount),
      currency: order.currency,
      customer_email: order.email,
      customer_ip: order.ip,
      token_name: tokenName,
      eci: 'ECOMMERCE',
      return_url: this.returnUrl(order),
    };
    if (cvv) fields.card_security_code = cvv;
    if (order.saveCard) fields.remember_me = 'YES';
    const { answer, check } = await this.callAps(order, fields);
    const problem = this.untrusted(check, answer, order);
    if (problem) {
      order.note = problem;
      return this.notVerified(res, order, problem);
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
      const { answer, check } = await this.callAps(order, {
        service_command: 'GENERATE_OTP',
        ...this.baseFields(order),
        amount: String(order.amount),
        currency: order.currency,
        digital_wallet: 'STCPAY',
        phone_number: phone,
      });
      if (!check.ok || answer.response_code !== '88000') return this.settle(res, order, stringify(answer));
      return seeOther(res, `/stcpay/${order.ref}/otp`);
    }
    if (step === 'pay') {
      const otp = order.faults.includes('static-stcpay') ? STATIC_STC_OTP : (form.otp ?? '').trim();
      const { answer, check } = await this.callAps(order, {
        command: 'PURCHASE',
        ...this.baseFields(order),
        amount: String(order.amount),
        currency: order.currency,
        customer_email: order.email,
        customer_ip: order.ip,
        digital_wallet: 'STCPAY',
        phone_number: order.stcPhone ?? '',
        otp,
      });
      const problem = this.untrusted(check, answer, order);
      if (problem) return this.notVerified(res, order, problem);
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
    const { answer, check } = await this.callAps(order, {
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
    });
    if (!check.ok)
      return this.settle(res, order, { response_code: '', response_message: 'response signature invalid' });
    sub.charges.push(order.ref);
    return this.settle(res, order, stringify(answer));
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
    const { answer, check } = await this.callAps(order, {
      service_command: 'UPDATE_TOKEN',
      ...this.baseFields(order),
      token_name: tokenName,
      token_status: 'INACTIVE',
    });
    if (!check.ok) return { response_code: '', response_message: check.why, token_name: tokenName };
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
      body = parseJsonBody(await readBody(req)) as { validationURL?: unknown };
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return sendJson(res, 400, { error: `body must be JSON: ${err.message}` });
    }
    let host = '';
    try {
      const u = new URL(String(body.validationURL));
      if (u.protocol === 'https:') host = u.hostname;
    } catch (err) {
      // Not a URL at all: refused below like any URL that is not Apple's.
      if (!(err instanceof TypeError)) throw err;
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
      body = parseJsonBody(await readBody(req)) as typeof body;
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return sendJson(res, 400, { ok: false, error: `body must be JSON: ${err.message}` });
    }
    let faults: StoreFault[];
    try {
      faults = this.faultsOf(body.fault);
    } catch (err) {
      if (!(err instanceof CertkitError)) throw err;
      return sendJson(res, 400, { ok: false, error: err.message });
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
    const { answer, check } = await this.callAps(order, fields, true);
    const problem = this.untrusted(check, answer, order);
    if (problem) {
      order.note = problem;
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
        ? (parseJsonBody(raw) as ApsParams)
        : parseForm(raw);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      return sendText(res, 400, `feedback body is not JSON: ${err.message}`);
    }
    const order = this.orders.get(String(fields.merchant_reference ?? ''));
    if (!order) return sendText(res, 200, 'unknown order, ignored');
    const apple = fields.digital_wallet === 'APPLE_PAY';
    const check = this.verify(fields, { ...order, faults: [] }, apple);
    if (!check.ok) {
      this.ignore(order, `feedback/${kind}`, check.why, fields);
      return sendText(res, 400, 'signature does not match');
    }
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

export async function startStore(options: StoreOptions): Promise<DemoStore> {
  const store = new DemoStore(options);
  await store.start();
  return store;
}
