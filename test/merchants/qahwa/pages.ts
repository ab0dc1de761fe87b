// Bayt Al Qahwa's pages: plain HTML, every element a flow touches marked with data-testid.
import type { Fields } from './aps';

export const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

export function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} - Bayt Al Qahwa</title>
<style>body{font-family:sans-serif;max-width:760px;margin:2rem auto;color:#2b1d14}main{padding:1rem 2rem;border:1px solid #d9c7b5;border-radius:8px}
label{display:block;margin:.6rem 0}input{padding:.3rem}button{padding:.5rem 1.2rem;margin-top:.6rem}dt{font-weight:bold}</style></head>
<body><header><a href="/">Bayt Al Qahwa</a> &middot; specialty coffee roasters, Riyadh</header><main>${body}</main></body></html>`;
}

export interface Product {
  id: 'beans' | 'club';
  name: string;
  /** SAR in halalas (2 decimals). */
  amount: number;
  blurb: string;
}

export const PRODUCTS: Record<Product['id'], Product> = {
  beans: { id: 'beans', name: 'Yirgacheffe beans, 250 g', amount: 6500, blurb: 'Light roast, jasmine and lemon.' },
  club: { id: 'club', name: 'Monthly coffee club', amount: 8900, blurb: 'Two bags of the month, every 30 days.' },
};

export const sar = (halalas: number) => `${(halalas / 100).toFixed(2)} SAR`;

export function homePage(): string {
  return layout(
    'Shop',
    `<h1>Fresh from our roaster</h1>
${Object.values(PRODUCTS)
  .map(
    (
      p,
    ) => `<section><h2>${esc(p.name)}</h2><p>${esc(p.blurb)} <strong>${sar(p.amount)}</strong>${p.id === 'club' ? ' a month' : ''}</p>
<a data-testid="${p.id === 'club' ? 'join-club' : 'buy-beans'}" href="/checkout?item=${p.id}">${p.id === 'club' ? 'Join the club' : 'Buy now'}</a></section>`,
  )
  .join('\n')}
<p><a href="/account">My saved cards</a></p>`,
  );
}

export function checkoutPage(p: Product): string {
  const consent =
    p.id === 'club'
      ? `<label><input type="checkbox" name="consent" value="yes" required data-testid="recurring-consent">
I agree that Bayt Al Qahwa charges my card ${sar(p.amount)} every 30 days, 12 times, until I cancel.</label>`
      : '';
  return layout(
    'Checkout',
    `<h1>Checkout: ${esc(p.name)}</h1><p>Total ${sar(p.amount)}</p>
<form method="post" action="/orders">
<input type="hidden" name="item" value="${p.id}">
<label>Email <input type="email" name="email" required data-testid="customer-email"></label>
<label>Name <input name="name" data-testid="customer-name"></label>
${consent}
<button data-testid="continue">Continue to payment</button></form>`,
  );
}

/**
 * The card form. It posts straight to APS (TOKENIZATION), so card data never reaches the shop's server; the signed
 * fields are hidden inputs, the card fields are the customer's. Month and year have no name: a small script joins
 * them into expiry_date (YYMM) so APS gets exactly the parameters it documents.
 */
export function cardPage(o: { action: string; hidden: Fields; amount: number; saveOffer: boolean }): string {
  const hidden = Object.entries(o.hidden)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
  const save = o.saveOffer
    ? `<label><input type="checkbox" name="remember_me" value="YES" data-testid="save-card"> Save this card for next time</label>`
    : '';
  return layout(
    'Payment',
    `<h1>Pay ${sar(o.amount)}</h1>
<form id="card-form" method="post" action="${esc(o.action)}">
${hidden}
<label>Name on card <input name="card_holder_name" data-testid="card-holder"></label>
<label>Card number <input name="card_number" inputmode="numeric" autocomplete="cc-number" data-testid="card-number"></label>
<label>Expiry month <input id="exp-month" size="2" data-testid="card-exp-month"></label>
<label>Expiry year <input id="exp-year" size="2" data-testid="card-exp-year"></label>
<input type="hidden" name="expiry_date" id="expiry-date">
<label>Security code <input name="card_security_code" size="4" data-testid="card-cvv"></label>
${save}
<button data-testid="pay-button">Pay now</button></form>
<script>
const f = document.getElementById('card-form');
const join = () => {
  const mm = document.getElementById('exp-month').value.trim().padStart(2, '0');
  const yy = document.getElementById('exp-year').value.trim().slice(-2);
  document.getElementById('expiry-date').value = yy + mm;
};
f.addEventListener('input', join);
f.addEventListener('submit', join);
</script>`,
  );
}

export function receiptPage(o: {
  ref: string;
  outcome: string;
  amount: number;
  result?: Fields;
  note?: string;
  apsStatus?: string;
  club?: boolean;
}): string {
  const r = o.result ?? {};
  const row = (label: string, testid: string, value: string | undefined) =>
    value ? `<dt>${label}</dt><dd data-testid="${testid}">${esc(value)}</dd>` : '';
  return layout(
    'Receipt',
    `<h1 data-testid="result-outcome">${esc(o.outcome)}</h1>
${o.note ? `<p data-testid="result-note">${esc(o.note)}</p>` : ''}
<dl>${row('Order reference', 'merchant-reference', o.ref)}${row('Payment id', 'fort-id', r.fort_id)}
${row('Response', 'response-code', r.response_code)}${row('Amount', 'amount', sar(o.amount))}
${row('Saved card', 'token-name', r.token_name)}${row('Agreement', 'agreement-id', r.agreement_id)}
${row('Status at APS', 'aps-status', o.apsStatus)}</dl>
<form method="post" action="/orders/${esc(o.ref)}/status"><button data-testid="check-status">Check payment status</button></form>
${o.club ? `<p><a data-testid="manage-club" href="/club/${esc(o.ref)}">Manage membership</a></p>` : ''}`,
  );
}

export function accountPage(email: string, cards: { token_name: string; masked: string }[]): string {
  const list = cards.length
    ? cards
        .map(
          (c) => `<li data-testid="saved-card-row">${esc(c.masked)}
<form method="post" action="/account/cards/remove" style="display:inline"><input type="hidden" name="email" value="${esc(email)}">
<input type="hidden" name="token_name" value="${esc(c.token_name)}"><button data-testid="remove-card">Remove</button></form></li>`,
        )
        .join('\n')
    : '<li>No saved cards.</li>';
  return layout(
    'Saved cards',
    `<h1>Saved cards of ${esc(email || 'nobody')}</h1>
<form method="get" action="/account"><label>Email <input name="email" value="${esc(email)}"></label><button>Show</button></form>
<ul>${list}</ul>`,
  );
}

export function tokenActionPage(o: { title: string; ok: boolean; ref: string; answer: Fields; agreement?: string }) {
  const a = o.answer;
  return layout(
    o.title,
    `<h1 data-testid="result-outcome">${esc(o.ok ? o.title : `${o.title}: failed (${a.response_message ?? 'no answer'})`)}</h1>
<dl><dt>Reference</dt><dd data-testid="merchant-reference">${esc(o.ref)}</dd>
<dt>Card token</dt><dd data-testid="token-name">${esc(a.token_name)}</dd>
${o.agreement ? `<dt>Agreement</dt><dd data-testid="agreement-id">${esc(o.agreement)}</dd>` : ''}
<dt>Response</dt><dd data-testid="response-code">${esc(a.response_code)}</dd></dl>`,
  );
}

export function clubPage(o: { ref: string; status: string; agreement: string; token: string; charges: string[] }) {
  return layout(
    'Coffee club',
    `<h1>Your coffee club membership</h1>
<dl><dt>Status</dt><dd data-testid="club-status">${esc(o.status)}</dd><dt>Agreement</dt><dd data-testid="agreement-id">${esc(o.agreement)}</dd>
<dt>Card token</dt><dd>${esc(o.token)}</dd><dt>Deliveries charged</dt><dd>${o.charges.length}</dd></dl>
${
  o.status === 'active'
    ? `<form method="post" action="/club/${esc(o.ref)}/charge"><button data-testid="charge-next">Send next delivery now</button></form>
<form method="post" action="/club/${esc(o.ref)}/cancel"><button data-testid="cancel-club">Cancel membership</button></form>`
    : ''
}`,
  );
}

export function errorPage(status: number, message: string): string {
  return layout('Problem', `<h1 data-testid="result-outcome">${esc(message)}</h1><p>HTTP ${status}</p>`);
}
