// Bayt Al Qahwa: a coffee roaster in Riyadh that takes cards through APS's custom integration (merchant page 2.0).
// The browser posts the card form straight to APS (TOKENIZATION); the shop's server then pays with the token over
// APS's JSON API, runs a monthly club on recurring payments (initial CIT with an agreement, later MIT charges),
// deletes saved cards with UPDATE_TOKEN, asks CHECK_STATUS, hands mobile apps an SDK_TOKEN, and takes APS's feedback.
// Written from APS's public documentation as an independent merchant would; nothing here comes from Certkit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerIsGenuine, callApi, sign, UNSIGNED_CARD_FIELDS, type Credentials, type Fields } from './aps';
import * as pages from './pages';

export const QAHWA_FAULTS = [
  /** customer_ip is a fixed address instead of the customer's. */
  'static-customer-ip',
  /** An empty merchant_extra1 is posted and signed as "merchant_extra1=" (APS answers 00008). */
  'signs-empty-params',
  /** Later club charges (MIT) leave out agreement_id. */
  'mit-without-agreement',
  /** The feedback endpoint answers 409 when a result it already stored comes again. */
  'feedback-rejects-repeat',
] as const;
export type QahwaFault = (typeof QAHWA_FAULTS)[number];

export interface QahwaOptions {
  /** APS's paymentPage: the browser posts the card form there. */
  paymentPage: string;
  /** APS's paymentApi as the shop's server calls it (the recording relay's address in the tests). */
  paymentApi: string;
  merchant: Credentials;
  faults?: QahwaFault[];
  host?: string;
  port?: number;
}

interface Order {
  ref: string;
  item: pages.Product['id'];
  amount: number;
  email: string;
  ip: string;
  state: 'new' | 'awaiting-3ds' | 'paid' | 'declined' | 'failed';
  result?: Fields;
  note?: string;
  apsStatus?: string;
  /** Set for a club charge: the CIT order it belongs to. */
  clubRef?: string;
}

interface Club {
  ref: string;
  email: string;
  ip: string;
  token_name: string;
  agreement_id: string;
  status: 'active' | 'cancelled';
  charges: string[];
}

export interface Qahwa {
  origin: string;
  returnUrl: string;
  feedbackUrl: string;
  orders(): Order[];
  /** Feedback posts the shop accepted, by fort_id and status. */
  feedback(): Fields[];
  close(): Promise<void>;
}

const STATIC_IP = '203.0.113.7';
const CURRENCY = 'SAR';

function stringify(answer: Record<string, unknown>): Fields {
  return Object.fromEntries(
    Object.entries(answer).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

async function body(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const form = (text: string): Fields => Object.fromEntries(new URLSearchParams(text));

function send(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function redirect(res: http.ServerResponse, to: string): void {
  res.writeHead(303, { location: to });
  res.end();
}

const peer = (req: http.IncomingMessage) => (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');

export async function startQahwa(options: QahwaOptions): Promise<Qahwa> {
  const faults = new Set(options.faults ?? []);
  const creds = options.merchant;
  const orders = new Map<string, Order>();
  const clubs = new Map<string, Club>();
  const cards = new Map<string, { token_name: string; masked: string }[]>();
  const feedbackSeen = new Map<string, Fields>();
  let seq = 0;
  const newRef = (prefix: string) => `${prefix}-${Date.now().toString(36).toUpperCase()}-${++seq}`;
  let returnUrl = '';

  const signed = (fields: Fields, opts: { skip?: string[]; keepEmpty?: boolean } = {}): Fields => ({
    ...fields,
    signature: sign(fields, creds.sha_request_phrase, creds.sha_type, opts),
  });
  const base = (ref: string): Fields => ({
    access_code: creds.access_code,
    merchant_identifier: creds.merchant_identifier,
    merchant_reference: ref,
    language: 'en',
  });
  const api = async (fields: Fields, opts: { keepEmpty?: boolean } = {}): Promise<Fields> => {
    const answer = stringify(await callApi(options.paymentApi, signed(fields, opts)));
    // An invalid request comes back unsigned (status 00); anything else must carry APS's signature.
    if (answer.status !== '00' && !answerIsGenuine(answer, creds))
      return { ...answer, response_code: '', response_message: 'the answer is not signed by APS' };
    return answer;
  };

  function settle(order: Order, result: Fields): void {
    order.result = result;
    const code = result.response_code ?? '';
    order.state = code.endsWith('000') ? 'paid' : code.startsWith('13') ? 'declined' : 'failed';
    if (order.state !== 'paid') return;
    if (order.item === 'club' && !order.clubRef && result.token_name && result.agreement_id) {
      clubs.set(order.ref, {
        ref: order.ref,
        email: order.email,
        ip: order.ip,
        token_name: result.token_name,
        // APS may answer with another agreement_id than the one sent; later charges must use the answered one.
        agreement_id: result.agreement_id,
        status: 'active',
        charges: [],
      });
    }
  }

  /** The server-to-server payment with the token the card form produced. */
  async function payWithToken(order: Order, token: Fields, res: http.ServerResponse): Promise<void> {
    const fields: Fields = {
      command: 'PURCHASE',
      ...base(order.ref),
      amount: String(order.amount),
      currency: CURRENCY,
      customer_email: order.email,
      customer_ip: faults.has('static-customer-ip') ? STATIC_IP : order.ip,
      token_name: token.token_name,
      eci: 'ECOMMERCE',
      return_url: returnUrl,
    };
    if (token.remember_me === 'YES') fields.remember_me = 'YES';
    if (order.item === 'club') {
      const expiry = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
      Object.assign(fields, {
        agreement_id: `BQ${Date.now().toString(36).toUpperCase()}${seq % 100}`.slice(0, 15),
        recurring_mode: 'FIXED',
        recurring_transactions_count: '12',
        recurring_days_between_payments: '30',
        recurring_expiry_date: expiry,
      });
    }
    if (faults.has('signs-empty-params')) fields.merchant_extra1 = '';
    const answer = await api(fields, { keepEmpty: faults.has('signs-empty-params') });
    if (answer.response_code === '20064' && answer['3ds_url']) {
      order.state = 'awaiting-3ds';
      return redirect(res, answer['3ds_url']);
    }
    if (answer.token_name && token.remember_me === 'YES' && answer.response_code?.endsWith('000'))
      remember(order.email, answer);
    settle(order, answer);
    redirect(res, `/orders/${order.ref}`);
  }

  function remember(email: string, answer: Fields): void {
    const list = cards.get(email.toLowerCase()) ?? [];
    if (!list.some((c) => c.token_name === answer.token_name))
      list.push({ token_name: answer.token_name, masked: answer.card_number ?? 'card' });
    cards.set(email.toLowerCase(), list);
  }

  async function onReturn(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const fields = form(await body(req));
    const order = orders.get(fields.merchant_reference ?? '');
    if (!order) return send(res, 404, pages.errorPage(404, 'Unknown order'));
    if (!answerIsGenuine(fields, creds)) {
      order.state = 'failed';
      order.note = 'The payment answer was not signed by APS; nothing was charged.';
      return redirect(res, `/orders/${order.ref}`);
    }
    if (fields.service_command === 'TOKENIZATION') {
      if (fields.response_code !== '18000') {
        settle(order, fields);
        return redirect(res, `/orders/${order.ref}`);
      }
      return payWithToken(order, fields, res);
    }
    // The result of a 3-D Secure payment, brought back by the customer's browser.
    if (fields.amount !== String(order.amount) || fields.currency !== CURRENCY) {
      order.state = 'failed';
      order.note = `APS reported ${fields.amount} ${fields.currency}, the order is ${order.amount} ${CURRENCY}.`;
      return redirect(res, `/orders/${order.ref}`);
    }
    settle(order, fields);
    redirect(res, `/orders/${order.ref}`);
  }

  function receipt(res: http.ServerResponse, order: Order): void {
    const outcome = {
      new: 'Waiting for payment',
      'awaiting-3ds': 'Waiting for 3-D Secure',
      paid: 'Payment successful',
      declined: 'Payment declined',
      failed: `Payment failed${order.result?.response_message ? `: ${order.result.response_message}` : ''}`,
    }[order.state];
    send(
      res,
      200,
      pages.receiptPage({
        ref: order.ref,
        outcome,
        amount: order.amount,
        result: order.result,
        note: order.note,
        apsStatus: order.apsStatus,
        club: order.item === 'club' && !order.clubRef && clubs.has(order.ref),
      }),
    );
  }

  async function checkStatus(order: Order): Promise<void> {
    const answer = await api({ query_command: 'CHECK_STATUS', ...base(order.ref) });
    order.apsStatus = answer.transaction_message
      ? `${answer.transaction_status ?? ''} ${answer.transaction_message}`.trim()
      : (answer.response_message ?? 'no answer');
  }

  async function updateToken(token: string): Promise<{ ref: string; answer: Fields }> {
    const ref = newRef('TK');
    const answer = await api({
      service_command: 'UPDATE_TOKEN',
      ...base(ref),
      token_name: token,
      token_status: 'INACTIVE',
    });
    return { ref, answer };
  }

  async function chargeClub(club: Club, res: http.ServerResponse): Promise<void> {
    const ref = newRef('BQM');
    const order: Order = {
      ref,
      item: 'club',
      amount: pages.PRODUCTS.club.amount,
      email: club.email,
      ip: club.ip,
      state: 'new',
      clubRef: club.ref,
    };
    orders.set(ref, order);
    const fields: Fields = {
      command: 'PURCHASE',
      ...base(ref),
      amount: String(order.amount),
      currency: CURRENCY,
      customer_email: club.email,
      // No customer is present in a merchant-initiated charge: the member's address from the first order is sent.
      customer_ip: club.ip,
      eci: 'RECURRING',
      token_name: club.token_name,
      agreement_id: club.agreement_id,
    };
    if (faults.has('mit-without-agreement')) delete fields.agreement_id;
    settle(order, await api(fields));
    if (order.state === 'paid') club.charges.push(ref);
    redirect(res, `/orders/${ref}`);
  }

  async function onFeedback(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = await body(req);
    let fields: Fields;
    try {
      fields = (req.headers['content-type'] ?? '').includes('json') ? stringify(JSON.parse(text)) : form(text);
    } catch {
      res.writeHead(400).end('not JSON');
      return;
    }
    if (!answerIsGenuine(fields, creds)) {
      res.writeHead(400).end('signature mismatch');
      return;
    }
    const key = `${fields.fort_id ?? fields.merchant_reference}:${fields.status}:${fields.response_code}`;
    if (feedbackSeen.has(key) && faults.has('feedback-rejects-repeat')) {
      res.writeHead(409).end('already processed');
      return;
    }
    if (!feedbackSeen.has(key)) {
      feedbackSeen.set(key, fields);
      const order = orders.get(fields.merchant_reference ?? '');
      // The feedback is the result the shop keeps even when the browser never came back.
      if (order && order.state !== 'paid' && fields.command === 'PURCHASE') settle(order, fields);
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://shop');
    const parts = url.pathname.split('/').filter(Boolean);
    const post = req.method === 'POST';
    if (!post && url.pathname === '/') return send(res, 200, pages.homePage());
    if (!post && url.pathname === '/checkout') {
      const p = pages.PRODUCTS[url.searchParams.get('item') as pages.Product['id']];
      return p ? send(res, 200, pages.checkoutPage(p)) : send(res, 404, pages.errorPage(404, 'No such product'));
    }
    if (post && url.pathname === '/orders') {
      const f = form(await body(req));
      const p = pages.PRODUCTS[f.item as pages.Product['id']];
      if (!p || !f.email) return send(res, 400, pages.errorPage(400, 'Email and product are needed'));
      if (p.id === 'club' && f.consent !== 'yes')
        return send(res, 400, pages.errorPage(400, 'Please agree to the monthly charge'));
      const order: Order = {
        ref: newRef('BQ'),
        item: p.id,
        amount: p.amount,
        email: f.email,
        ip: peer(req),
        state: 'new',
      };
      orders.set(order.ref, order);
      return redirect(res, `/pay/${order.ref}`);
    }
    if (!post && parts[0] === 'pay' && parts[1]) {
      const order = orders.get(parts[1]);
      if (!order) return send(res, 404, pages.errorPage(404, 'Unknown order'));
      const hidden: Fields = { service_command: 'TOKENIZATION', ...base(order.ref), return_url: returnUrl };
      // A club membership keeps the card for the later charges.
      if (order.item === 'club') hidden.remember_me = 'YES';
      const html = pages.cardPage({
        action: options.paymentPage,
        hidden: signed(hidden, { skip: UNSIGNED_CARD_FIELDS }),
        amount: order.amount,
        saveOffer: order.item !== 'club',
      });
      return send(res, 200, html);
    }
    if (post && url.pathname === '/aps/return') return onReturn(req, res);
    if (post && url.pathname === '/aps/feedback') return onFeedback(req, res);
    if (parts[0] === 'orders' && parts[1]) {
      const order = orders.get(parts[1]);
      if (!order) return send(res, 404, pages.errorPage(404, 'Unknown order'));
      if (post && parts[2] === 'status') {
        await checkStatus(order);
        return redirect(res, `/orders/${order.ref}`);
      }
      return receipt(res, order);
    }
    if (!post && url.pathname === '/account') {
      const email = url.searchParams.get('email') ?? '';
      return send(res, 200, pages.accountPage(email, cards.get(email.toLowerCase()) ?? []));
    }
    if (post && url.pathname === '/account/cards/remove') {
      const f = form(await body(req));
      const list = cards.get((f.email ?? '').toLowerCase()) ?? [];
      if (!list.some((c) => c.token_name === f.token_name))
        return send(res, 404, pages.errorPage(404, 'No such saved card'));
      const { ref, answer } = await updateToken(f.token_name);
      const ok = answer.response_code?.endsWith('000') ?? false;
      if (ok)
        cards.set(
          (f.email ?? '').toLowerCase(),
          list.filter((c) => c.token_name !== f.token_name),
        );
      return send(res, 200, pages.tokenActionPage({ title: 'Card removed', ok, ref, answer }));
    }
    if (parts[0] === 'club' && parts[1]) {
      const club = clubs.get(parts[1]);
      if (!club) return send(res, 404, pages.errorPage(404, 'No such membership'));
      if (post && parts[2] === 'charge') return chargeClub(club, res);
      if (post && parts[2] === 'cancel') {
        const { ref, answer } = await updateToken(club.token_name);
        const ok = answer.response_code?.endsWith('000') ?? false;
        if (ok) club.status = 'cancelled';
        return send(
          res,
          200,
          pages.tokenActionPage({ title: 'Membership cancelled', ok, ref, answer, agreement: club.agreement_id }),
        );
      }
      return send(res, 200, pages.clubPage({ ...club, agreement: club.agreement_id, token: club.token_name }));
    }
    if (post && url.pathname === '/api/mobile/sdk-token') {
      // The app asks the shop's server; the server, which holds the credentials, asks APS.
      const f = JSON.parse((await body(req)) || '{}') as { device_id?: string };
      if (!f.device_id) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"device_id is needed"}');
        return;
      }
      const answer = await api({
        service_command: 'SDK_TOKEN',
        access_code: creds.access_code,
        merchant_identifier: creds.merchant_identifier,
        language: 'en',
        device_id: f.device_id,
      });
      res.writeHead(answer.sdk_token ? 200 : 502, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.sdk_token ? { sdk_token: answer.sdk_token } : { error: answer.response_message }));
      return;
    }
    if (post && parts[0] === 'admin' && parts[1] === 'refund' && parts[2]) {
      const order = orders.get(parts[2]);
      if (!order || order.state !== 'paid') return send(res, 404, pages.errorPage(404, 'No paid order'));
      const answer = await api({
        command: 'REFUND',
        ...base(order.ref),
        amount: String(order.amount),
        currency: CURRENCY,
        ...(order.result?.fort_id ? { fort_id: order.result.fort_id } : {}),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      return;
    }
    send(res, 404, pages.errorPage(404, 'Not found'));
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, pages.errorPage(500, `Something went wrong: ${(err as Error).message}`));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const a = server.address() as AddressInfo;
  const origin = `http://${a.address}:${a.port}`;
  // APS only returns to https; on loopback the APS simulator delivers an https return_url over plain http.
  returnUrl = `https://${a.address}:${a.port}/aps/return`;
  return {
    origin,
    returnUrl,
    feedbackUrl: `${origin}/aps/feedback`,
    orders: () => [...orders.values()],
    feedback: () => [...feedbackSeen.values()],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
