// Souq Al Oud: a small perfume shop in Kuwait and Bahrain that takes payments through APS hosted checkout (cards,
// KNET, BENEFIT). Written from APS's public docs alone, as an independent merchant would, to test Certkit against a
// shop it has never seen. Plain node:http; nothing here comes from Certkit's engine or its demo store.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { apsSignature, responseSignatureValid, type Fields, type ShaType } from './aps-signature';
import { STOREFRONTS, isCountry, perfume, priceMinor, type CountryCode, type PaymentChoice } from './catalog';
import { parseSouqFaults, type SouqFault } from './faults';
import { errorPage } from './pages';
import * as pages from './pages';
import { lastAttempt, type Attempt, type AttemptOutcome, type BagLine, type Order } from './model';
import { toMinorUnits } from './money';

export interface SouqMerchant {
  merchant_identifier: string;
  access_code: string;
  sha_request_phrase: string;
  sha_response_phrase: string;
  sha_type?: ShaType;
}

export interface SouqOptions {
  /** APS origin: https://sbcheckout.payfort.com for the real sandbox, or the simulator's origin. */
  apsBaseUrl: string;
  merchant: SouqMerchant;
  port?: number;
  host?: string;
  faults?: readonly string[] | string;
  /** The origin customers (and APS) reach the shop at; return_url is built on it. Default: https on the bound address. */
  publicOrigin?: string;
  /** First order number (orders count up from it); random by default so several shops can share one APS sandbox. */
  firstOrderNo?: number;
}

export interface Souq {
  /** The shop's own origin + '/', what a browser opens. */
  url: string;
  origin: string;
  /** The return_url the shop sends APS (on the public origin: https unless a fault says otherwise). */
  returnUrl: string;
  /** The feedback URL to set in APS's Technical Settings (public origin); the simulator needs `${origin}/payments/aps/notify`. */
  notifyUrl: string;
  faults: SouqFault[];
  /** Switches the shop to other mistakes (none: the correct shop) for the requests that follow; return_url above stays. */
  setFaults(faults: readonly string[]): void;
  order(no: string): Order | undefined;
  orders(): Order[];
  close(): Promise<void>;
}

const STATIC_EMAIL = 'orders@souq-aloud.test';
const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const PAYMENT_OPTION: Record<PaymentChoice, string | undefined> = { card: undefined, knet: 'KNET', benefit: 'BENEFIT' };

interface Bag {
  country: CountryCode;
  lines: BagLine[];
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function formFields(body: string): Fields {
  const out: Fields = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

function cookies(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function html(res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', ...headers });
  res.end();
}

function peer(req: http.IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Keeps only the characters APS accepts in a field, so a customer's punctuation never breaks the request. */
function only(value: string, allowed: RegExp, max: number): string {
  return [...value]
    .filter((c) => allowed.test(c))
    .join('')
    .trim()
    .slice(0, max);
}

function totals(lines: BagLine[], country: CountryCode): pages.Totals {
  const sf = STOREFRONTS[country];
  const subtotal = lines.reduce((n, l) => n + l.unitMinor * l.qty, 0);
  const free = subtotal >= toMinorUnits(sf.freeDeliveryFrom, sf.currency);
  const delivery = subtotal === 0 || free ? 0 : toMinorUnits(sf.deliveryFee, sf.currency);
  return { subtotal, delivery, total: subtotal + delivery };
}

class SouqShop {
  readonly bags = new Map<string, Bag>();
  readonly orders = new Map<string, Order>();
  readonly byReference = new Map<string, { order: Order; attempt: Attempt }>();
  origin = '';
  publicOrigin = '';
  private nextNo: number;

  constructor(
    readonly options: SouqOptions,
    readonly faults: SouqFault[],
  ) {
    this.nextNo = options.firstOrderNo ?? randomInt(100_000, 900_000);
  }

  has(f: SouqFault): boolean {
    return this.faults.includes(f);
  }

  get paymentPageUrl(): string {
    return new URL('/FortAPI/paymentPage', this.options.apsBaseUrl).toString();
  }

  get returnUrl(): string {
    const u = new URL('/payments/aps/return', this.publicOrigin);
    if (this.has('http-return-url')) u.protocol = 'http:';
    return u.toString();
  }

  async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://souq');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';

    if (url.pathname === '/payments/aps/return') return this.apsReturn(req, res, url);
    if (url.pathname === '/payments/aps/notify' && method === 'POST') return this.apsNotify(req, res);
    if (method === 'GET' && parts.length === 0) return html(res, 200, pages.homePage());

    if (parts[0] && isCountry(parts[0])) {
      const cc = parts[0];
      const sf = STOREFRONTS[cc];
      const bag = this.bagOf(req, cc);
      const count = bag ? bag.lines.reduce((n, l) => n + l.qty, 0) : 0;
      if (method === 'GET' && parts.length === 1) {
        if (!url.pathname.endsWith('/')) return redirect(res, `/${cc}/`);
        return html(
          res,
          200,
          pages.storefrontPage(sf, count, (p) => priceMinor(p, cc)),
        );
      }
      if (method === 'GET' && parts[1] === 'perfume' && parts[2]) {
        const p = perfume(parts[2]);
        if (!p) return this.notFound(res);
        return html(res, 200, pages.productPage(sf, p, count, priceMinor(p, cc)));
      }
      if (parts[1] === 'bag' && parts.length === 2) {
        if (method === 'POST') return this.addToBag(req, res, cc);
        const lines = bag?.lines ?? [];
        return html(res, 200, pages.bagPage(sf, lines, totals(lines, cc)));
      }
      if (parts[1] === 'checkout' && parts.length === 2) {
        if (!bag || !bag.lines.length) return redirect(res, `/${cc}/bag`);
        if (method === 'POST') return this.checkout(req, res, cc, bag);
        return html(res, 200, pages.checkoutPage(sf, bag.lines, totals(bag.lines, cc)));
      }
    }

    if (parts[0] === 'order' && parts[1]) {
      const order = this.orders.get(parts[1]);
      if (!order) return this.notFound(res);
      const knetIds = !this.has('receipt-without-knet-ids');
      if (method === 'GET' && parts[2] === 'pay') return this.payPage(res, order);
      if (method === 'POST' && parts[2] === 'retry') return this.retry(res, order);
      if (method === 'GET' && parts[2] === 'confirmation')
        return html(res, 200, pages.confirmationPage(order, knetIds));
      if (method === 'GET' && parts[2] === 'receipt') {
        if (!lastAttempt(order)?.outcome) return redirect(res, `/order/${order.no}/confirmation`);
        return html(res, 200, pages.receiptPage(order, knetIds));
      }
    }
    return this.notFound(res);
  }

  notFound(res: http.ServerResponse): void {
    html(res, 404, errorPage('Page not found', 'We could not find that page or order.'));
  }

  bagOf(req: http.IncomingMessage, cc: CountryCode): Bag | undefined {
    const bag = this.bags.get(cookies(req).souq_bag ?? '');
    return bag && bag.country === cc ? bag : undefined;
  }

  async addToBag(req: http.IncomingMessage, res: http.ServerResponse, cc: CountryCode): Promise<void> {
    const form = formFields(await readBody(req));
    const p = perfume(form.slug ?? '');
    const qty = Math.min(5, Math.max(1, Math.trunc(Number(form.qty) || 1)));
    if (!p) return this.notFound(res);
    let id = cookies(req).souq_bag ?? '';
    let bag = this.bags.get(id);
    if (!bag || bag.country !== cc) {
      id = randomBytes(9).toString('base64url');
      bag = { country: cc, lines: [] };
      this.bags.set(id, bag);
    }
    const line = bag.lines.find((l) => l.slug === p.slug);
    if (line) line.qty = Math.min(5, line.qty + qty);
    else bag.lines.push({ slug: p.slug, name: p.name, qty, unitMinor: priceMinor(p, cc) });
    redirect(res, `/${cc}/bag`, { 'set-cookie': `souq_bag=${id}; Path=/; HttpOnly; SameSite=Lax` });
  }

  async checkout(req: http.IncomingMessage, res: http.ServerResponse, cc: CountryCode, bag: Bag): Promise<void> {
    const sf = STOREFRONTS[cc];
    const form = formFields(await readBody(req));
    const values: pages.CheckoutForm = {
      name: (form.name ?? '').trim(),
      email: (form.email ?? '').trim(),
      mobile: (form.mobile ?? '').trim(),
      area: (form.area ?? '').trim(),
      giftNote: (form.gift_note ?? '').trim(),
      method: form.method ?? '',
    };
    const errors: string[] = [];
    if (!values.name) errors.push('Please enter your full name.');
    if (!EMAIL_RE.test(values.email)) errors.push('Please enter a valid email address.');
    if (values.mobile.replace(/\D/g, '').length < 8) errors.push('Please enter your mobile number.');
    if (!values.area) errors.push('Please tell us where to deliver.');
    if (!(sf.methods as string[]).includes(values.method)) errors.push('Please choose a payment method.');
    const t = totals(bag.lines, cc);
    if (errors.length) return html(res, 200, pages.checkoutPage(sf, bag.lines, t, values, errors));
    const no = String(this.nextNo++);
    const order: Order = {
      no,
      country: cc,
      currency: sf.currency,
      lines: bag.lines.map((l) => ({ ...l })),
      ...t,
      customer: {
        name: values.name,
        email: values.email,
        mobile: values.mobile,
        area: values.area,
        giftNote: values.giftNote,
      },
      customerIp: peer(req),
      method: values.method as PaymentChoice,
      createdAt: new Date().toISOString(),
      attempts: [],
    };
    this.orders.set(no, order);
    this.newAttempt(order);
    bag.lines = [];
    redirect(res, `/order/${no}/pay`);
  }

  /** A new merchant_reference for each trip to APS: APS refuses a reference it has seen (066). */
  newAttempt(order: Order): Attempt {
    const reference = `SQA-${order.no}-${order.attempts.length + 1}`;
    const attempt: Attempt = { reference, sent: this.requestFields(order, reference), feedback: [] };
    order.attempts.push(attempt);
    this.byReference.set(reference, { order, attempt });
    return attempt;
  }

  requestFields(order: Order, reference: string): Fields {
    const m = this.options.merchant;
    const c = order.customer;
    const fields: Fields = {
      command: 'PURCHASE',
      access_code: m.access_code,
      merchant_identifier: m.merchant_identifier,
      merchant_reference: reference,
      amount: String(order.total),
      currency: order.currency,
      language: 'en',
      customer_email: this.has('static-email') ? STATIC_EMAIL : c.email,
      customer_name: only(c.name, /[A-Za-z0-9_\\/\-.' ]/, 40),
      customer_ip: order.customerIp,
      phone_number: only(c.mobile, /[0-9+\-() ]/, 19),
      order_description: `Souq Al Oud order ${order.no}`,
      merchant_extra1: c.giftNote.slice(0, 250),
      return_url: this.returnUrl,
    };
    const option = PAYMENT_OPTION[order.method];
    if (option) fields.payment_option = option;
    const signEmpty = this.has('signs-empty-params');
    if (!signEmpty) for (const k of Object.keys(fields)) if (fields[k] === '') delete fields[k];
    fields.signature = apsSignature(fields, m.sha_request_phrase, m.sha_type ?? 'sha256', signEmpty);
    return fields;
  }

  payPage(res: http.ServerResponse, order: Order): void {
    let attempt = lastAttempt(order)!;
    if (attempt.outcome === 'paid') return redirect(res, `/order/${order.no}/confirmation`);
    if (attempt.outcome) attempt = this.newAttempt(order);
    html(res, 200, pages.payPage(order, this.paymentPageUrl, attempt.sent, this.has('checkout-in-iframe')));
  }

  retry(res: http.ServerResponse, order: Order): void {
    const attempt = lastAttempt(order)!;
    if (attempt.outcome === 'paid') return redirect(res, `/order/${order.no}/confirmation`);
    if (attempt.outcome) this.newAttempt(order);
    redirect(res, `/order/${order.no}/pay`);
  }

  /** What an answer from APS means for the order, or why it cannot be trusted. */
  judge(order: Order, attempt: Attempt, fields: Fields): AttemptOutcome {
    const m = this.options.merchant;
    if (!fields.signature && fields.status === '00') {
      // APS leaves a refused request (status 00) unsigned; such an answer can only ever mark the attempt as failed.
      return 'refused';
    }
    if (
      !this.has('skips-response-signature') &&
      !responseSignatureValid(fields, m.sha_response_phrase, m.sha_type ?? 'sha256')
    )
      return 'unverified';
    if (this.has('success-on-decline')) return 'paid';
    const approved = fields.status === '14' && fields.response_code === '14000';
    if (approved && !this.has('skips-amount-check')) {
      if (fields.amount !== attempt.sent.amount || fields.currency !== order.currency) return 'amount-mismatch';
    }
    if (approved) return 'paid';
    return fields.response_code === '00072' ? 'cancelled' : 'declined';
  }

  record(order: Order, attempt: Attempt, fields: Fields, outcome: AttemptOutcome): void {
    // A paid attempt stays paid: a late or replayed answer never turns it back.
    if (attempt.outcome === 'paid') return;
    attempt.result = fields;
    attempt.outcome = outcome;
    attempt.answeredAt = new Date().toISOString();
  }

  async apsReturn(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const post = req.method === 'POST';
    // The mistake: a handler written for GET query strings, as some frameworks route by default.
    if (this.has('return-rejects-post') ? post : !post) {
      const allow = this.has('return-rejects-post') ? 'GET' : 'POST';
      return html(res, 405, errorPage('Method Not Allowed', `This address accepts ${allow} only.`), { allow });
    }
    const fields = post ? formFields(await readBody(req)) : Object.fromEntries(url.searchParams);
    const hit = this.byReference.get(fields.merchant_reference ?? '');
    if (!hit) return html(res, 404, errorPage('Unknown payment', 'This payment does not belong to any of our orders.'));
    const outcome = this.judge(hit.order, hit.attempt, fields);
    if (outcome === 'unverified') {
      hit.attempt.outcome ??= 'unverified';
      return html(
        res,
        400,
        errorPage(
          'Payment response rejected',
          'The payment answer could not be verified, so the order was not marked paid.',
        ),
      );
    }
    this.record(hit.order, hit.attempt, fields, outcome);
    redirect(res, `/order/${hit.order.no}/confirmation`);
  }

  /** Direct and notification feedback: APS posts JSON (or a form) server to server, and retries until it gets 2xx. */
  async apsNotify(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    let fields: Fields;
    try {
      fields = String(req.headers['content-type'] ?? '').includes('json')
        ? Object.fromEntries(
            Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          )
        : formFields(body);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unreadable body');
      return;
    }
    const m = this.options.merchant;
    if (!responseSignatureValid(fields, m.sha_response_phrase, m.sha_type ?? 'sha256')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad signature');
      return;
    }
    const hit = this.byReference.get(fields.merchant_reference ?? '');
    if (hit) {
      hit.attempt.feedback.push(fields);
      if (!hit.attempt.outcome) this.record(hit.order, hit.attempt, fields, this.judge(hit.order, hit.attempt, fields));
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }
}

export async function startSouq(options: SouqOptions): Promise<Souq> {
  const shop = new SouqShop(options, parseSouqFaults(options.faults));
  const server = http.createServer((req, res) => {
    shop.route(req, res).catch((err: Error) => {
      if (!res.headersSent) html(res, 500, errorPage('Something went wrong', err.message));
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  shop.origin = `http://${host}:${port}`;
  shop.publicOrigin = options.publicOrigin ?? `https://${host}:${port}`;
  return {
    url: `${shop.origin}/`,
    origin: shop.origin,
    returnUrl: shop.returnUrl,
    notifyUrl: `${shop.publicOrigin}/payments/aps/notify`,
    faults: shop.faults,
    setFaults: (faults) => shop.faults.splice(0, shop.faults.length, ...parseSouqFaults(faults)),
    order: (no) => shop.orders.get(no),
    orders: () => [...shop.orders.values()],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
