// A shopper without a browser, for tests: plain HTTP requests that do what a browser does on Souq and APS's pages
// (keep the shop's cookie, post forms, follow redirects, let auto-posting forms post).
import type { Fields } from './aps-signature';
import type { PaymentEntry, Shopper } from './flows';

export interface Page {
  url: string;
  status: number;
  html: string;
  headers: Headers;
}

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]) : undefined;
}

/** A form of the page (the first, or the first whose opening tag matches), with its hidden fields. */
export function formOf(page: Page, match?: RegExp): { action: string; fields: Fields; tag: string } {
  for (const m of page.html.matchAll(/(<form\b[^>]*>)([\s\S]*?)<\/form>/g)) {
    if (match && !match.test(m[1])) continue;
    const fields: Fields = {};
    for (const input of m[2].matchAll(/<input\b[^>]*>/g)) {
      const name = attr(input[0], 'name');
      if (name && attr(input[0], 'type') === 'hidden') fields[name] = attr(input[0], 'value') ?? '';
    }
    return { action: new URL(attr(m[1], 'action') ?? '', page.url).toString(), fields, tag: m[1] };
  }
  throw new Error(`no form${match ? ` matching ${match}` : ''} on ${page.url}:\n${page.html.slice(0, 400)}`);
}

export class HttpShopper {
  private cookie = '';
  private cookieOrigin = '';

  /** One request, no redirect following. */
  async request(url: string, form?: Fields): Promise<Page> {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: {
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(this.cookie && new URL(url).origin === this.cookieOrigin ? { cookie: this.cookie } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      this.cookie = set.split(';')[0];
      this.cookieOrigin = new URL(url).origin;
    }
    return { url, status: res.status, html: await res.text(), headers: res.headers };
  }

  /** A request and the redirects after it, as a browser follows them (a 303 turns into a GET). */
  async go(url: string, form?: Fields): Promise<Page> {
    let page = await this.request(url, form);
    for (let hops = 0; page.status >= 300 && page.status < 400; hops++) {
      if (hops > 10) throw new Error(`too many redirects from ${url}`);
      page = await this.request(new URL(page.headers.get('location')!, page.url).toString());
    }
    return page;
  }

  /** Submits a page's form with its hidden fields plus what the person filled in. */
  async submit(page: Page, filled: Fields = {}, match?: RegExp): Promise<Page> {
    const f = formOf(page, match);
    return this.go(f.action, { ...f.fields, ...filled });
  }

  /** Lets an auto-posting page (APS's return form) post itself, as the browser's script does. */
  async autoPost(page: Page): Promise<Page> {
    if (!/id="autopost"/.test(page.html)) return page;
    return this.submit(page, {}, /id="autopost"/);
  }

  /** Bag, checkout and review: returns the review page with the form that posts to APS. */
  async checkout(shop: string, o: { country: string; perfume: string; qty: number; shopper: Shopper; method: string }) {
    await this.go(`${shop}/${o.country}/bag`, { slug: o.perfume, qty: String(o.qty) });
    const s = o.shopper;
    return this.go(`${shop}/${o.country}/checkout`, {
      name: s.name,
      email: s.email,
      mobile: s.mobile,
      area: s.area,
      gift_note: '',
      method: o.method,
    });
  }

  /** APS's pages for one payment entry, from the review page to the page the shop shows after APS's answer. */
  async payOnAps(review: Page, pay: PaymentEntry): Promise<Page> {
    let page = await this.submit(review, {}, /id="payment-form"/);
    if (pay.kind === 'card') {
      page = await this.submit(page, {
        card_number: pay.number,
        expiry: pay.expiry,
        cvv: pay.cvv,
        card_holder_name: pay.holder,
        action: 'pay',
      });
      if (pay.threeDsPassword) page = await this.submit(page, { password: pay.threeDsPassword, action: 'submit' });
    } else {
      const bank: Fields = pay.kind === 'knet' ? { bank: pay.bank } : {};
      page = await this.submit(page, { ...bank, card: pay.card, expiry: pay.expiry, pin: pay.pin, action: 'submit' });
      page = await this.submit(page);
    }
    return this.autoPost(page);
  }
}
