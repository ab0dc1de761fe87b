import type { Fields } from './aps-signature';
import { METHOD_LABELS, PERFUMES, STOREFRONTS, type Perfume, type Storefront } from './catalog';
import { esc, layout } from './html';
import { lastAttempt, type Attempt, type BagLine, type Order } from './model';
import { formatMoney, toMinorUnits } from './money';

export interface Totals {
  subtotal: number;
  delivery: number;
  total: number;
}

export function homePage(): string {
  const cards = Object.values(STOREFRONTS)
    .map(
      (sf) => `<div class="product-card"><div><h2>${esc(sf.country)}</h2>
<p class="muted">Prices in ${esc(sf.currency)}. Delivery ${esc(formatMoney(toMinorUnits(sf.deliveryFee, sf.currency), sf.currency))}.</p>
<a class="btn btn-primary" href="/${sf.code}/">Shop in ${esc(sf.country)}</a></div></div>`,
    )
    .join('\n');
  return layout({
    title: 'Souq Al Oud | Perfumes and oud',
    body: `<h1>Where should we deliver?</h1><div class="products">${cards}</div>`,
  });
}

function bottle(p: Perfume): string {
  return `<div class="bottle" style="background:linear-gradient(160deg,${p.swatch},#2b2118)"></div>`;
}

export function storefrontPage(sf: Storefront, bagCount: number, priceOf: (p: Perfume) => number): string {
  const cards = PERFUMES.map(
    (p) => `<div class="product-card">${bottle(p)}<div>
<h2><a href="/${sf.code}/perfume/${p.slug}">${esc(p.name)}</a></h2>
<div class="muted">${esc(p.size)}</div>
<div class="price">${esc(formatMoney(priceOf(p), sf.currency))}</div>
<a class="btn" href="/${sf.code}/perfume/${p.slug}">View</a></div></div>`,
  ).join('\n');
  return layout({
    title: `Souq Al Oud ${sf.country} | Perfumes`,
    country: sf.code,
    bagCount,
    body: `<h1>Perfumes, delivered in ${esc(sf.country)}</h1><div class="products">${cards}</div>`,
  });
}

export function productPage(sf: Storefront, p: Perfume, bagCount: number, price: number): string {
  return layout({
    title: `${p.name} | Souq Al Oud ${sf.country}`,
    country: sf.code,
    bagCount,
    body: `<p class="muted"><a href="/${sf.code}/">Perfumes</a> / ${esc(p.name)}</p>
<div class="columns"><div class="panel" style="display:flex;gap:20px">${bottle(p)}<div>
<h1>${esc(p.name)}</h1><p class="muted">${esc(p.size)}</p><p>${esc(p.notes)}</p></div></div>
<div class="panel"><div class="price" id="product-price">${esc(formatMoney(price, sf.currency))}</div>
<form method="post" action="/${sf.code}/bag" class="add-to-bag">
<input type="hidden" name="slug" value="${esc(p.slug)}">
<label for="qty">Quantity</label><input id="qty" name="qty" type="number" min="1" max="5" value="1">
<p><button type="submit" class="btn btn-primary btn-wide">Add to bag</button></p>
</form></div></div>`,
  });
}

function summaryRows(lines: BagLine[], t: Totals, currency: string): string {
  const rows = lines
    .map(
      (l) =>
        `<tr><td>${esc(l.name)} &times; ${l.qty}</td><td class="amount">${esc(formatMoney(l.unitMinor * l.qty, currency))}</td></tr>`,
    )
    .join('');
  return `${rows}
<tr><td>Subtotal</td><td class="amount">${esc(formatMoney(t.subtotal, currency))}</td></tr>
<tr><td>Delivery</td><td class="amount">${t.delivery ? esc(formatMoney(t.delivery, currency)) : 'Free'}</td></tr>
<tr class="total"><td>Total</td><td class="amount" id="order-total">${esc(formatMoney(t.total, currency))}</td></tr>`;
}

export function bagPage(sf: Storefront, lines: BagLine[], t: Totals): string {
  const count = lines.reduce((n, l) => n + l.qty, 0);
  const body = lines.length
    ? `<h1>Your bag</h1><div class="panel order-summary"><table>${summaryRows(lines, t, sf.currency)}</table></div>
<p><a class="btn" href="/${sf.code}/">Continue shopping</a> <a class="btn btn-primary" href="/${sf.code}/checkout">Proceed to checkout</a></p>`
    : `<h1>Your bag is empty</h1><p><a class="btn" href="/${sf.code}/">Browse perfumes</a></p>`;
  return layout({ title: `Bag | Souq Al Oud ${sf.country}`, country: sf.code, bagCount: count, body });
}

export interface CheckoutForm {
  name: string;
  email: string;
  mobile: string;
  area: string;
  giftNote: string;
  method: string;
}

export function checkoutPage(
  sf: Storefront,
  lines: BagLine[],
  t: Totals,
  values: Partial<CheckoutForm> = {},
  errors: string[] = [],
): string {
  const v = (k: keyof CheckoutForm) => esc(values[k] ?? '');
  const options = sf.methods
    .map((m) => `<option value="${m}"${values.method === m ? ' selected' : ''}>${esc(METHOD_LABELS[m])}</option>`)
    .join('');
  const count = lines.reduce((n, l) => n + l.qty, 0);
  return layout({
    title: `Checkout | Souq Al Oud ${sf.country}`,
    country: sf.code,
    bagCount: count,
    body: `<h1>Checkout</h1>
${errors.length ? `<ul class="errors">${errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
<div class="columns"><form method="post" action="/${sf.code}/checkout" class="panel checkout-form" novalidate>
<fieldset><legend>Contact</legend>
<label for="full-name">Full name</label><input id="full-name" name="name" autocomplete="name" value="${v('name')}">
<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" value="${v('email')}">
<label for="mobile">Mobile number</label><input id="mobile" name="mobile" type="tel" autocomplete="tel" placeholder="${esc(sf.phoneHint)}" value="${v('mobile')}">
</fieldset>
<fieldset><legend>Delivery</legend>
<label for="area">Area, block and street</label><input id="area" name="area" autocomplete="street-address" value="${v('area')}">
<label for="gift-note">Gift note (optional)</label><textarea id="gift-note" name="gift_note" rows="2">${v('giftNote')}</textarea>
</fieldset>
<fieldset><legend>Payment</legend>
<label for="payment-method">Payment method</label>
<select id="payment-method" name="method"><option value=""${values.method ? '' : ' selected'}>Choose a payment method</option>${options}</select>
</fieldset>
<button type="submit" class="btn btn-primary btn-wide">Continue to payment</button>
</form>
<aside class="panel order-summary"><h2>Order summary</h2><table>${summaryRows(lines, t, sf.currency)}</table></aside></div>`,
  });
}

export function payPage(order: Order, action: string, fields: Fields, framed: boolean): string {
  const sf = STOREFRONTS[order.country];
  const hidden = Object.entries(fields)
    .map(([k, val]) => `<input type="hidden" name="${esc(k)}" value="${esc(val)}">`)
    .join('\n');
  const target = framed ? ' target="payment-frame"' : '';
  return layout({
    title: `Review and pay | Souq Al Oud ${sf.country}`,
    country: sf.code,
    body: `<h1>Review and pay</h1>
<div class="columns"><div>
<div class="panel"><h2>Order ${esc(order.no)}</h2>
<dl class="transaction"><dt>Deliver to</dt><dd>${esc(order.customer.name)}, ${esc(order.customer.area)}</dd>
<dt>Email</dt><dd>${esc(order.customer.email)}</dd><dt>Mobile</dt><dd>${esc(order.customer.mobile)}</dd>
<dt>Payment method</dt><dd>${esc(METHOD_LABELS[order.method])}</dd></dl></div>
<form id="payment-form" method="post" action="${esc(action)}"${target}>
${hidden}
<button type="submit" class="btn btn-primary btn-wide" id="pay-now">Pay ${esc(formatMoney(order.total, order.currency))}</button>
</form>
<p class="muted">You will pay on the secure page of Amazon Payment Services, our payment provider.</p>
${framed ? '<iframe name="payment-frame" class="payment-frame" title="Secure payment"></iframe>' : ''}
</div>
<aside class="panel order-summary"><h2>Order summary</h2><table>${summaryRows(order.lines, order, order.currency)}</table></aside></div>`,
  });
}

function paymentLabel(order: Order, a: Attempt): string {
  const option = a.result?.payment_option;
  if (order.method === 'card') return option ? `Card (${option})` : 'Card';
  return METHOD_LABELS[order.method];
}

function when(a: Attempt, order: Order): string {
  const zone = order.country === 'kw' ? 'Asia/Kuwait' : 'Asia/Bahrain';
  const d = new Date(a.answeredAt ?? order.createdAt);
  return new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  }).format(d);
}

/** The payment facts a customer (and an APS reviewer) expects on the result page and the receipt. */
function transactionDetails(order: Order, a: Attempt, showKnetIds: boolean): string {
  const r = a.result ?? {};
  const rows: [string, string, string][] = [
    ['Order number', order.no, 'order-number'],
    ['Payment reference', a.reference, 'payment-reference'],
    ['Payment method', paymentLabel(order, a), 'payment-method-used'],
    ['Amount', formatMoney(order.total, order.currency), 'amount-paid'],
    ['Date', when(a, order), 'transaction-date'],
  ];
  if (r.fort_id) rows.push(['APS transaction ID', r.fort_id, 'fort-id']);
  if (r.authorization_code) rows.push(['Authorization code', r.authorization_code, 'auth-code']);
  if (r.card_number) rows.push(['Card', r.card_number, 'card-used']);
  if (showKnetIds && order.method === 'knet') {
    if (r.knet_ref_number) rows.push(['KNET reference number', r.knet_ref_number, 'knet-ref-number']);
    if (r.third_party_transaction_number)
      rows.push(['KNET transaction ID', r.third_party_transaction_number, 'knet-transaction-id']);
  }
  return `<dl class="transaction">${rows.map(([k, val, id]) => `<dt>${esc(k)}</dt><dd id="${id}">${esc(val)}</dd>`).join('')}</dl>`;
}

export function confirmationPage(order: Order, showKnetIds: boolean): string {
  const sf = STOREFRONTS[order.country];
  const a = lastAttempt(order)!;
  const first = order.customer.name.split(' ')[0];
  let head: string;
  let after = '';
  switch (a.outcome) {
    case 'paid':
      head = `<h1>Thank you, ${esc(first)}. Your order is confirmed.</h1>
<div class="notice notice-success">We have received your payment. A confirmation is on its way to ${esc(order.customer.email)}.</div>`;
      after = `<p><a class="btn" href="/order/${order.no}/receipt" id="view-receipt">View receipt</a> <a class="btn" href="/${sf.code}/">Continue shopping</a></p>`;
      break;
    case 'declined':
    case 'cancelled':
    case 'refused': {
      const why = a.result?.response_message ?? 'The payment was not completed.';
      head = `<h1>Your payment did not go through</h1>
<div class="notice notice-error">${a.outcome === 'cancelled' ? 'You cancelled the payment.' : `The payment was not approved: ${esc(why)}`} No amount has been taken.</div>`;
      after = `<form method="post" action="/order/${order.no}/retry"><button type="submit" class="btn btn-primary">Try again</button></form>
<p><a href="/order/${order.no}/receipt">Transaction record</a></p>`;
      break;
    }
    case 'amount-mismatch':
    case 'unverified':
      head = `<h1>We could not confirm your payment</h1>
<div class="notice notice-warning">Our team is checking this payment (reference ${esc(a.reference)}) and will contact you. Please do not pay again.</div>`;
      break;
    default:
      head = `<h1>Waiting for your payment</h1><div class="notice notice-warning">We have not heard back from the payment page yet.</div>`;
  }
  return layout({
    title: `Order ${order.no} | Souq Al Oud`,
    country: sf.code,
    body: `${head}<div class="columns"><div class="panel"><h2>Payment details</h2>${transactionDetails(order, a, showKnetIds)}</div>
<aside class="panel order-summary"><h2>Order summary</h2><table>${summaryRows(order.lines, order, order.currency)}</table></aside></div>${after}`,
  });
}

export function receiptPage(order: Order, showKnetIds: boolean): string {
  const a = lastAttempt(order)!;
  const paid = a.outcome === 'paid';
  return layout({
    title: `Receipt ${order.no} | Souq Al Oud`,
    country: order.country,
    body: `<div class="receipt"><h1>${paid ? 'Receipt' : 'Transaction record'}</h1>
<p class="muted">Souq Al Oud W.L.L.<br>${order.country === 'kw' ? 'Salem Al Mubarak St, Salmiya, Kuwait' : 'Seef Mall, Seef District, Bahrain'}</p>
<p>Billed to ${esc(order.customer.name)} &lt;${esc(order.customer.email)}&gt;</p>
<table class="lines">${summaryRows(order.lines, order, order.currency)}</table>
<h2 style="margin-top:20px">Payment</h2>
<p class="${paid ? '' : 'errors'}">${paid ? 'Paid' : `Not paid: ${esc(a.result?.response_message ?? 'no answer')}`}</p>
${transactionDetails(order, a, showKnetIds)}
<p class="muted" style="margin-top:22px">Keep this receipt for returns within 14 days.</p></div>`,
  });
}

export function errorPage(title: string, text: string): string {
  return layout({
    title: `${title} | Souq Al Oud`,
    body: `<h1>${esc(title)}</h1><div class="notice notice-error">${esc(text)}</div><p><a href="/">Back to the shop</a></p>`,
  });
}
