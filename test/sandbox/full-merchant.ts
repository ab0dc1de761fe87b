// A second merchant written from APS's public documentation and the official SDKs' flows only (no Certkit code
// besides the docs-only signer), for the simulator's https mode: it serves its own pages over https, trusts the
// sandbox's self-signed certificate the way a Node merchant trusts a private CA (an https agent with `ca`), pays
// through the standard checkout iframe and the trusted channel, reads installment plans, and sends every documented
// optional parameter family on its payments.
import https from 'node:https';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { docSign, type Params } from './docs-merchant';

/** One or more parameters of every optional family APS documents for a payment request. */
export const OPTIONAL_FAMILIES: Params = {
  // Order and customer details of the payment request itself.
  order_description: 'Two ceramic mugs',
  customer_name: 'Noura Saleh',
  phone_number: '+966 50 123 4567',
  settlement_reference: 'SETTLE-2041',
  merchant_extra: 'cart 2041',
  merchant_extra1: 'campaign spring',
  // Billing and shipping address (PHP and .NET SDK payment models).
  billing_street: 'King Fahd Road 100',
  billing_street2: 'Floor 3',
  billing_city: 'Riyadh',
  billing_stateProvince: 'Riyadh Province',
  billing_provinceCode: 'RI',
  billing_postcode: '12211',
  billing_country: 'SA',
  billing_company: 'Certkit Test Shop',
  shipping_street: 'Tahlia Street 7',
  shipping_street2: 'Villa 2',
  shipping_city: 'Jeddah',
  shipping_stateProvince: 'Makkah Province',
  shipping_provinceCode: 'MK',
  shipping_postcode: '23434',
  shipping_country: 'SA',
  shipping_company: 'Home',
  shipping_source: 'web',
  shipping_sameAsBilling: 'NO',
  // Fraud screening: customer, ship-to, gift recipient, items, merchant fields (API reference, ACI ReD).
  customer_type: 'I',
  customer_id: 'C2041',
  customer_first_name: 'Noura',
  customer_last_name: 'Saleh',
  customer_address1: 'King Fahd Road 100',
  customer_city: 'Riyadh',
  customer_country_code: 'SAU',
  customer_phone: '966501234567',
  customer_date_birth: '1990-04-12',
  ship_first_name: 'Noura',
  ship_last_name: 'Saleh',
  ship_address1: 'Tahlia Street 7',
  ship_address_city: 'Jeddah',
  ship_country_code: 'SAU',
  ship_method: 'S',
  rcpt_first_name: 'Huda',
  rcpt_last_name: 'Saleh',
  rcpt_email: 'huda@example.org',
  cart_details: '2 x ceramic mug',
  item_quantity: '2',
  item_sku: 'MUG-CER-01',
  item_description: 'Ceramic mug, white',
  item_price: '50.00',
  fraud_extra1: 'loyalty gold',
  fraud_extra11: 'app',
  // Statement descriptor (the purchase request of the newer API reference, mobile SDK).
  statement_descriptor: 'CERTKIT SHOP',
};

export interface Credentials {
  merchant_identifier: string;
  access_code: string;
  sha_request_phrase: string;
  sha_response_phrase: string;
}

export interface MerchantOptions {
  /** The sandbox's paymentPage and paymentApi (https). */
  paymentPage: string;
  paymentApi: string;
  credentials: Credentials;
  /** The sandbox's certificate (PEM), trusted for calls to the sandbox only. */
  apsCa: string;
  /** This merchant's own key and certificate (PEM). */
  tls: { key: string; cert: string };
}

interface Order {
  ref: string;
  amount: string;
  currency: string;
  email: string;
  /** The last server-to-server answer, and the final result the customer came back with. */
  answer?: Record<string, unknown>;
  result?: Params;
}

function html(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Full merchant</title></head><body>${body}</body></html>`;
}

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export class FullMerchant {
  readonly orders = new Map<string, Order>();
  origin = '';
  private server?: https.Server;
  private readonly agent: https.Agent;
  private seq = 0;

  constructor(readonly o: MerchantOptions) {
    this.agent = new https.Agent({ ca: o.apsCa, keepAlive: false });
  }

  async start(): Promise<void> {
    this.server = https.createServer(this.o.tls, (req, res) => {
      this.route(req, res).catch((err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err.stack);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.origin = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.agent.destroy();
  }

  newOrder(amount = '100000', currency = 'SAR'): Order {
    this.seq += 1;
    const order = {
      ref: `FM-${Date.now().toString(36)}-${this.seq}`,
      amount,
      currency,
      email: `buyer${this.seq}@example.org`,
    };
    this.orders.set(order.ref, order);
    return order;
  }

  sign(fields: Record<string, unknown>, exclude: string[] = []): string {
    return docSign(fields, this.o.credentials.sha_request_phrase, exclude);
  }

  verified(fields: Record<string, unknown>): boolean {
    return (
      typeof fields.signature === 'string' &&
      fields.signature === docSign(fields, this.o.credentials.sha_response_phrase, ['installment_detail'])
    );
  }

  /** JSON to paymentApi over https, trusting the sandbox's certificate for this call only. */
  async api(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const fields = {
      access_code: this.o.credentials.access_code,
      merchant_identifier: this.o.credentials.merchant_identifier,
      ...body,
    };
    return this.getJson(this.o.paymentApi, 'POST', JSON.stringify({ ...fields, signature: this.sign(fields) }));
  }

  /** A GET or POST to the sandbox with this merchant's trust (also used for the issuer logo and terms URLs). */
  getJson(url: string, method = 'GET', body?: string): Promise<Record<string, unknown>> {
    return this.request(url, method, body).then((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  request(url: string, method = 'GET', body?: string): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        { method, agent: this.agent, headers: body ? { 'content-type': 'application/json' } : {} },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The trusted channel: the card itself, server to server (PCI merchants). */
  payTrusted(order: Order, card: Params, extra: Record<string, unknown> = {}) {
    return this.api({
      command: 'PURCHASE',
      merchant_reference: order.ref,
      amount: order.amount,
      currency: order.currency,
      language: 'en',
      customer_email: order.email,
      customer_ip: '203.0.113.77',
      eci: 'ECOMMERCE',
      ...card,
      ...OPTIONAL_FAMILIES,
      ...extra,
    }).then((answer) => {
      order.answer = answer;
      return answer;
    });
  }

  installmentPlans(amount: string, currency: string, extra: Record<string, unknown> = {}) {
    return this.api({ query_command: 'GET_INSTALLMENTS_PLANS', amount, currency, language: 'en', ...extra });
  }

  private async readForm(req: import('node:http').IncomingMessage): Promise<Params> {
    let body = '';
    for await (const chunk of req) body += chunk;
    return Object.fromEntries(new URLSearchParams(body));
  }

  private async route(
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname === '/standard') return this.standardPage(url, res);
    if (url.pathname === '/return' && req.method === 'POST') return this.onReturn(await this.readForm(req), res);
    if (url.pathname.startsWith('/receipt/')) return this.receipt(url.pathname.split('/')[2], res);
    res.writeHead(404).end();
  }

  /**
   * The standard checkout: a TOKENIZATION form without card data, posted into an iframe where APS shows its card
   * form. With ?installments=1 APS shows the plans for the amount there too.
   */
  private standardPage(url: URL, res: import('node:http').ServerResponse): void {
    const order = this.newOrder();
    const fields: Params = {
      service_command: 'TOKENIZATION',
      access_code: this.o.credentials.access_code,
      merchant_identifier: this.o.credentials.merchant_identifier,
      merchant_reference: order.ref,
      language: 'en',
      return_url: `${this.origin}/return?flow=standard`,
    };
    if (url.searchParams.get('installments')) {
      Object.assign(fields, {
        installments: 'STANDALONE',
        amount: order.amount,
        currency: order.currency,
        customer_country_code: 'SAU',
      });
    }
    fields.signature = this.sign(fields);
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${attr(k)}" value="${attr(v)}">`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      html(`<h1>Checkout</h1><p data-testid="order">${order.ref}</p>
<form method="post" action="${attr(this.o.paymentPage)}" target="aps_iframe">${inputs}<button data-testid="open-card-form">Pay by card</button></form>
<iframe name="aps_iframe" data-testid="aps-iframe" width="560" height="640"></iframe>`),
    );
  }

  /**
   * Where APS brings the customer back: the tokenization answer (inside the iframe), or a 3-D Secure result (top
   * window). Query parameters of return_url are the merchant's own and take no part in the signature.
   */
  private async onReturn(fields: Params, res: import('node:http').ServerResponse): Promise<void> {
    const send = (body: string): void => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(body));
    };
    const order = this.orders.get(fields.merchant_reference);
    if (!order || !this.verified(fields)) return send('<p data-testid="failure">not verified</p>');
    if (fields.service_command === 'TOKENIZATION') {
      if (fields.response_code !== '18000') return send(`<p data-testid="failure">${attr(fields.response_code)}</p>`);
      // Like the official SDKs: the purchase that follows names no return_url; 3-D Secure comes back to this page.
      const plan = fields.plan_code
        ? { installments: 'YES', plan_code: fields.plan_code, issuer_code: fields.issuer_code }
        : {};
      const answer = await this.api({
        command: 'PURCHASE',
        merchant_reference: order.ref,
        amount: order.amount,
        currency: order.currency,
        language: 'en',
        customer_email: order.email,
        customer_ip: '203.0.113.77',
        token_name: fields.token_name,
        ...plan,
        ...OPTIONAL_FAMILIES,
      });
      order.answer = answer;
      if (!this.verified(answer)) return send('<p data-testid="failure">answer not verified</p>');
      // Out of the iframe: 3-D Secure belongs in the main window (go-live rule), and so does the receipt.
      const next = answer.response_code === '20064' ? String(answer['3ds_url']) : `${this.origin}/receipt/${order.ref}`;
      if (answer.response_code !== '20064') order.result = answer as Params;
      return send(`<script>window.top.location.href = ${JSON.stringify(next)};</script>`);
    }
    order.result = fields;
    res.writeHead(303, { location: `/receipt/${order.ref}` });
    res.end();
  }

  private receipt(ref: string, res: import('node:http').ServerResponse): void {
    const r = this.orders.get(ref)?.result ?? {};
    const row = (k: string) => `<dt>${k}</dt><dd data-testid="${k}">${attr(String(r[k] ?? ''))}</dd>`;
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        html(
          `<h1>Receipt</h1><dl>${['response_code', 'merchant_reference', 'number_of_installments', 'plan_code', 'card_number', 'card_holder_name'].map(row).join('')}</dl>`,
        ),
      );
  }
}
