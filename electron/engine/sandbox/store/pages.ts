import { formatMinorUnits } from '../../../../shared/aps/catalog';
import { badge, badges, type BadgeId } from '../badges';
import { esc, hiddenInputs, page } from '../html';
import type { Fields } from '../http';
import { st, type Lang } from './i18n';
import { STORE_METHODS, type Order, type SavedCard, type StoreMethod } from './model';

const CSS = `
*{box-sizing:border-box}
button,input,select{font-family:inherit}
body{margin:0;font-family:"Noto Sans","Noto Sans Arabic",Arial,sans-serif;background:#faf7f2;color:#2d2a26}
header{background:#3b2a1a;color:#fff;padding:14px 28px;display:flex;align-items:center;justify-content:space-between}
header a{color:#f3d9a4;text-decoration:none;margin-inline-start:14px;font-size:14px}
header .name{font-size:20px;font-weight:700}
header .tag{font-size:12px;opacity:.75}
main{max-width:760px;margin:28px auto;padding:0 20px}
.card{background:#fff;border-radius:12px;box-shadow:0 2px 10px rgba(60,40,20,.08);padding:26px;margin-bottom:20px}
h1{font-size:24px;margin:0 0 12px}
h2{font-size:18px;margin:18px 0 10px}
.product{display:flex;gap:24px;align-items:center}
.product .img{width:180px;height:140px;border-radius:10px;background:linear-gradient(135deg,#a0703c,#5a3a1e);flex:none;display:flex;align-items:center;justify-content:center;color:#fbe7c6;font-size:54px}
.price{font-size:22px;font-weight:700;color:#7a4a16;margin:10px 0}
.badges{display:flex;gap:8px;flex-wrap:wrap;margin:10px 0}
.badge.highlight rect{stroke:#ff9900;stroke-width:3}
label{display:block;font-size:14px;color:#4a4038;margin:14px 0 6px}
input[type=text],input[type=email],input[type=tel],input[type=password],input:not([type]){width:100%;padding:10px 12px;font-size:16px;border:1px solid #d6cbbd;border-radius:6px}
.methods label{display:flex;align-items:center;gap:10px;border:1px solid #e5dccf;border-radius:8px;padding:10px 12px;margin:8px 0;cursor:pointer}
.methods label .badge{width:54px;height:33px}
.check{display:flex;gap:10px;align-items:flex-start;margin:14px 0}
.check input{margin-top:4px}
button,.button{display:inline-block;padding:11px 22px;font-size:16px;border-radius:6px;border:0;cursor:pointer;text-decoration:none}
.primary{background:#c8791c;color:#fff;font-weight:700}
.secondary{background:#ece4d8;color:#3b2a1a}
.danger{background:#b42318;color:#fff}
.actions{display:flex;gap:12px;flex-wrap:wrap;margin-top:18px}
.error{background:#fde8e8;color:#9b1c1c;padding:10px 12px;border-radius:6px;margin:10px 0}
.outcome{font-size:21px;font-weight:700;padding:14px 16px;border-radius:8px;margin-bottom:16px}
.outcome.success{background:#e3f9e5;color:#05400a}.outcome.declined,.outcome.error{background:#fde8e8;color:#9b1c1c}.outcome.pending{background:#fff4d6;color:#7a5a00}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:8px 18px;margin:0;align-items:baseline}
html[dir=rtl] dl.facts dd{text-align:right}
dl.facts dt{color:#7a6e62}dl.facts dd{margin:0;font-weight:600;unicode-bidi:plaintext}
.row{display:flex;gap:12px}.row>div{flex:1}
#apple-pay-area{margin-top:18px}
#apple-pay-area button{background:#000;color:#fff;width:100%;padding:4px;display:flex;justify-content:center}
table{width:100%;border-collapse:collapse}td{padding:8px;border-bottom:1px solid #eee}
iframe{width:100%;height:560px;border:1px solid #ccc;border-radius:8px}
`;

export interface View {
  lang: Lang;
  /** Query suffix that keeps the language and faults on links. */
  keep: (extra?: Record<string, string>) => string;
}

function shell(v: View, title: string, body: string, head = ''): string {
  const s = st(v.lang);
  return page({
    title: `${title} | ${s.shop}`,
    lang: v.lang,
    css: CSS,
    head,
    body: `<header><div><div class="name">${esc(s.shop)}</div><div class="tag">${esc(s.tagline)}</div></div>
<nav><a href="/${v.keep()}" data-testid="nav-home">${esc(s.shop)}</a><a href="/subscribe${v.keep()}" data-testid="subscribe-link">${esc(s.subscribeLink)}</a>
<a href="?lang=en" data-testid="lang-en" lang="en">English</a><a href="?lang=ar" data-testid="lang-ar" lang="ar">العربية</a></nav></header>
<main>${body}</main>`,
  });
}

export function money(minor: number, currency: string): string {
  return `${formatMinorUnits(minor, currency)} ${currency}`;
}

const ALL_BADGES: BadgeId[] = [
  'mada',
  'visa',
  'mastercard',
  'amex',
  'applepay',
  'stcpay',
  'knet',
  'benefit',
  'naps',
  'omannet',
];

export function productPage(v: View, method: StoreMethod | undefined): string {
  const s = st(v.lang);
  const m = STORE_METHODS[method ?? 'card'];
  // The method the customer came for is outlined, e.g. KNET on a KNET pre-checkout page.
  const all = badges(ALL_BADGES);
  const shown = method
    ? all.replace(
        `data-testid="badge-${m.badge}" class="badge"`,
        `data-testid="badge-${m.badge}" class="badge highlight"`,
      )
    : all;
  return shell(
    v,
    s.product,
    `<div class="card"><div class="product"><div class="img">☕</div><div>
<h1 data-testid="product-name">${esc(s.product)}</h1><p>${esc(s.productText)}</p>
<div class="price">${esc(s.price)}: <span data-testid="product-price" dir="ltr">${esc(money(m.amount, m.currency))}</span></div>
<a class="button primary" href="/checkout${v.keep(method ? { method } : {})}" data-testid="buy-now">${esc(s.buyNow)}</a>
</div></div>
<h2>${esc(s.weAccept)}</h2>${shown}</div>`,
  );
}

export function checkoutPage(
  v: View,
  o: { method: StoreMethod; email: string; error?: string; faults: string },
): string {
  const s = st(v.lang);
  const m = STORE_METHODS[o.method];
  const radios = (Object.keys(STORE_METHODS) as StoreMethod[])
    .map((id) => {
      const sm = STORE_METHODS[id];
      return `<label><input type="radio" name="method" value="${id}" data-testid="method-${id}"${id === o.method ? ' checked' : ''}>${badge(sm.badge).replace(/data-testid="badge-[a-z]+"/, '')}<span>${esc(s.methods[id])} <small dir="ltr">(${esc(money(sm.amount, sm.currency))})</small></span></label>`;
    })
    .join('\n');
  const applePay = `
<div id="apple-pay-area" hidden><p>${esc(s.orPay)}</p><button type="button" id="apple-pay-button" data-testid="apple-pay-button" lang="en" aria-label="Apple Pay">${badge('applepay').replace(/ data-testid="badge-applepay"/, '')}</button>
<div class="error" id="apple-pay-error" hidden>${esc(s.applePayError)}</div></div>
<script>
(function () {
  var area = document.getElementById('apple-pay-area');
  function show() {
    if (window.ApplePaySession && ApplePaySession.canMakePayments && ApplePaySession.canMakePayments()) area.hidden = false;
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show); else show();
  document.getElementById('apple-pay-button').addEventListener('click', function () {
    var email = document.querySelector('[data-testid="customer-email"]').value;
    var form = document.getElementById('checkout-form');
    if (!form.reportValidity()) return;
    var session = new ApplePaySession(5, {
      countryCode: 'SA',
      currencyCode: 'SAR',
      supportedNetworks: ['mada', 'amex', 'visa', 'masterCard'],
      merchantCapabilities: ['supports3DS'],
      total: { label: ${JSON.stringify(s.shop)}, amount: '100.00' }
    });
    session.onvalidatemerchant = function (event) {
      fetch('/applepay/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ validationURL: event.validationURL }) })
        .then(function (r) { if (!r.ok) throw new Error('validation refused'); return r.json(); })
        .then(function (merchantSession) { session.completeMerchantValidation(merchantSession); })
        .catch(function () { session.abort && session.abort(); document.getElementById('apple-pay-error').hidden = false; });
    };
    session.onpaymentauthorized = function (event) {
      fetch('/applepay/pay', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: email, lang: ${JSON.stringify(v.lang)}, fault: ${JSON.stringify(o.faults)}, token: event.payment.token }) })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          session.completePayment(answer.ok ? ApplePaySession.STATUS_SUCCESS : ApplePaySession.STATUS_FAILURE);
          if (answer.redirect) location.href = answer.redirect;
        })
        .catch(function () { session.completePayment(ApplePaySession.STATUS_FAILURE); document.getElementById('apple-pay-error').hidden = false; });
    };
    session.oncancel = function () {};
    session.begin();
  });
})();
</script>`;
  return shell(
    v,
    s.checkout,
    `<div class="card"><h1>${esc(s.checkout)}</h1>
<p>${esc(s.product)} · ${esc(s.total)}: <span data-testid="amount" dir="ltr">${esc(formatMinorUnits(m.amount, m.currency))}</span> <span data-testid="currency">${esc(m.currency)}</span></p>
${o.error ? `<div class="error" data-testid="form-error">${esc(o.error)}</div>` : ''}
<form method="post" action="/order" id="checkout-form">
<input type="hidden" name="lang" value="${v.lang}"><input type="hidden" name="fault" value="${esc(o.faults)}">
<label for="customer-email">${esc(s.email)}</label><input type="email" id="customer-email" name="email" required data-testid="customer-email" value="${esc(o.email)}" dir="ltr">
<h2>${esc(s.method)}</h2><div class="methods">${radios}</div>
<div class="actions"><button type="submit" class="primary" data-testid="place-order">${esc(s.placeOrder)}</button></div>
</form>${applePay}</div>`,
  );
}

export function customCardPage(
  v: View,
  o: { order: Order; action: string; hidden: Fields; saved: SavedCard[]; savedAction: string },
): string {
  const s = st(v.lang);
  const saved = o.saved.length
    ? `<h2>${esc(s.savedCards)}</h2><form method="post" action="${esc(o.savedAction)}">
${o.saved.map((c, i) => `<label class="check"><input type="radio" name="token_name" value="${esc(c.token_name)}" data-testid="${i === 0 ? 'saved-card' : `saved-card-${esc(c.token_name)}`}"${i === 0 ? ' checked' : ''}><span dir="ltr">${esc(c.brand)} ${esc(c.masked)} · ${esc(c.expiry)}</span></label>`).join('\n')}
<label for="saved-card-cvv">${esc(s.cvv)}</label><input id="saved-card-cvv" name="card_security_code" type="password" inputmode="numeric" required data-testid="saved-card-cvv" dir="ltr">
<div class="actions"><button type="submit" class="primary" data-testid="pay-saved-card">${esc(s.payWithSaved)}</button></div></form>
<h2>${esc(s.newCard)}</h2>`
    : '';
  return shell(
    v,
    s.cardTitle,
    `<div class="card"><h1>${esc(s.cardTitle)}</h1>
<p>${esc(s.reference)}: <span data-testid="merchant-reference" dir="ltr">${esc(o.order.ref)}</span> · ${esc(s.total)}: <span dir="ltr">${esc(money(o.order.amount, o.order.currency))}</span></p>
${badges(['mada', 'visa', 'mastercard', 'amex'])}
${saved}
<form method="post" action="${esc(o.action)}" id="card-form" autocomplete="off">
${hiddenInputs(o.hidden)}
<input type="hidden" name="expiry_date" id="expiry_date">
<label for="card-number">${esc(s.cardNumber)}</label><input id="card-number" name="card_number" inputmode="numeric" required data-testid="card-number" dir="ltr">
<div class="row"><div><label for="card-expiry">${esc(s.expiry)}</label><input id="card-expiry" placeholder="MM/YY" required data-testid="card-expiry" dir="ltr"></div>
<div><label for="card-cvv">${esc(s.cvv)}</label><input id="card-cvv" name="card_security_code" type="password" inputmode="numeric" required data-testid="card-cvv" dir="ltr"></div></div>
<label for="card-holder">${esc(s.holder)}</label><input id="card-holder" name="card_holder_name" data-testid="card-holder">
<label class="check"><input type="checkbox" name="remember_me" value="YES" data-testid="save-card"><span>${esc(s.saveCard)}</span></label>
<div class="actions"><button type="submit" class="primary" data-testid="pay-button">${esc(s.pay)} ${esc(money(o.order.amount, o.order.currency))}</button></div>
</form>
<script>
document.getElementById('card-form').addEventListener('submit', function () {
  // APS takes the expiry as YYMM; customers type MM/YY.
  var m = /^\\s*(\\d{1,2})\\s*\\/\\s*(\\d{2})\\s*$/.exec(document.getElementById('card-expiry').value);
  document.getElementById('expiry_date').value = m ? m[2] + ('0' + m[1]).slice(-2) : '';
  var holder = document.getElementById('card-holder');
  if (!holder.value) holder.disabled = true;
});
</script></div>`,
  );
}

export function stcPayPage(
  v: View,
  o: { order: Order; step: 'phone' | 'otp'; action: string; error?: string },
): string {
  const s = st(v.lang);
  const field =
    o.step === 'phone'
      ? `<label for="stcpay-phone">${esc(s.phone)}</label><input type="tel" id="stcpay-phone" name="phone" required data-testid="stcpay-phone" placeholder="05XXXXXXXX" dir="ltr">
<div class="actions"><button type="submit" class="primary" data-testid="stcpay-send-otp">${esc(s.sendOtp)}</button></div>`
      : `<p>${esc(s.otpSent)}</p><label for="stcpay-otp">${esc(s.otp)}</label><input id="stcpay-otp" name="otp" inputmode="numeric" required data-testid="stcpay-otp" dir="ltr">
<div class="actions"><button type="submit" class="primary" data-testid="stcpay-confirm">${esc(s.confirm)}</button></div>`;
  return shell(
    v,
    s.stcTitle,
    `<div class="card"><h1>${esc(s.stcTitle)}</h1>${badges(['stcpay'])}
<p>${esc(s.reference)}: <span data-testid="merchant-reference" dir="ltr">${esc(o.order.ref)}</span> · ${esc(s.total)}: <span dir="ltr">${esc(money(o.order.amount, o.order.currency))}</span></p>
${o.error ? `<div class="error">${esc(o.error)}</div>` : ''}
<form method="post" action="${esc(o.action)}">${field}</form></div>`,
  );
}

export function subscribePage(
  v: View,
  o: { amount: string; count: number; days: number; until: string; faults: string; error?: string },
): string {
  const s = st(v.lang);
  return shell(
    v,
    s.subscribeTitle,
    `<div class="card"><h1>${esc(s.subscribeTitle)}</h1>
<h2 data-testid="plan-name">${esc(s.planName)}</h2>
<p data-testid="plan-details">${esc(s.planDetails(o.amount, o.count, o.days, o.until))}</p>
${badges(['mada', 'visa', 'mastercard', 'amex'])}
${o.error ? `<div class="error">${esc(o.error)}</div>` : ''}
<form method="post" action="/subscribe">
<input type="hidden" name="lang" value="${v.lang}"><input type="hidden" name="fault" value="${esc(o.faults)}">
<label for="customer-email">${esc(s.email)}</label><input type="email" id="customer-email" name="email" required data-testid="customer-email" dir="ltr">
<label class="check"><input type="checkbox" name="consent" value="yes" required data-testid="recurring-consent"><span>${esc(s.consent)}</span></label>
<div class="actions"><button type="submit" class="primary" data-testid="subscribe-button">${esc(s.subscribe)}</button></div>
</form></div>`,
  );
}

export function accountPage(v: View, o: { email: string; cards: SavedCard[] }): string {
  const s = st(v.lang);
  const rows = o.cards.length
    ? `<table>${o.cards
        .map(
          (
            c,
            i,
          ) => `<tr data-testid="saved-card-row"><td dir="ltr">${esc(c.brand)} ${esc(c.masked)}</td><td dir="ltr">${esc(c.expiry)}</td><td dir="ltr"><code>${esc(c.token_name)}</code></td>
<td><form method="post" action="/account/cards/delete"><input type="hidden" name="email" value="${esc(o.email)}"><input type="hidden" name="token_name" value="${esc(c.token_name)}"><input type="hidden" name="lang" value="${v.lang}">
<button type="submit" class="danger" data-testid="${i === 0 ? 'delete-card' : `delete-card-${esc(c.token_name)}`}">${esc(s.deleteCard)}</button></form></td></tr>`,
        )
        .join('\n')}</table>`
    : `<p data-testid="no-saved-cards">${esc(s.noCards)}</p>`;
  return shell(
    v,
    s.account,
    `<div class="card"><h1>${esc(s.account)}</h1><p dir="ltr">${esc(o.email)}</p>${rows}</div>`,
  );
}

function fact(testid: string, label: string, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  return `<dt>${esc(label)}</dt><dd data-testid="${testid}" dir="ltr">${esc(value)}</dd>`;
}

export interface ReceiptView {
  order: Order;
  outcome: 'success' | 'declined' | 'error' | 'pending';
  title: string;
  hideKnetIds: boolean;
  subscriptionActions?: { id: string };
  /** The customer has saved cards: offer the page that manages them. */
  hasSavedCards: boolean;
  methodLabel: string;
  date: string;
}

export function receiptPage(v: View, r: ReceiptView): string {
  const s = st(v.lang);
  const res = r.order.result ?? {};
  const amount = res.amount ?? String(r.order.amount);
  const currency = res.currency ?? r.order.currency;
  const facts = [
    fact('merchant-reference', s.reference, r.order.ref),
    fact('fort-id', s.fortId, res.fort_id),
    fact('response-code', s.responseCode, res.response_code),
    fact('response-message', s.responseMessage, res.response_message ?? r.order.note),
    fact('status', s.status, res.status),
    fact(
      'amount',
      s.amount,
      /^\d+$/.test(amount) && r.order.flow !== 'delete-card' && r.order.flow !== 'subscription-cancel'
        ? formatMinorUnits(amount, currency)
        : undefined,
    ),
    fact(
      'currency',
      s.currency,
      r.order.flow !== 'delete-card' && r.order.flow !== 'subscription-cancel' ? currency : undefined,
    ),
    fact('payment-method', s.paidWith, r.methodLabel),
    fact('transaction-date', s.date, r.date),
    fact('agreement-id', s.agreement, res.agreement_id ?? r.order.agreementId),
    fact('token-name', s.token, res.token_name),
    r.hideKnetIds ? '' : fact('knet-ref-number', s.knetRef, res.knet_ref_number),
    r.hideKnetIds ? '' : fact('third-party-transaction-number', s.knetTx, res.third_party_transaction_number),
  ].join('\n');
  const sub = r.subscriptionActions
    ? `<form method="post" action="/subscription/${esc(r.subscriptionActions.id)}/charge"><input type="hidden" name="lang" value="${v.lang}"><button type="submit" class="primary" data-testid="charge-next">${esc(s.chargeNext)}</button></form>
<form method="post" action="/subscription/${esc(r.subscriptionActions.id)}/cancel"><input type="hidden" name="lang" value="${v.lang}"><button type="submit" class="secondary" data-testid="cancel-subscription">${esc(s.cancelSubscription)}</button></form>`
    : '';
  const cards = r.hasSavedCards
    ? `<a class="button secondary" href="/account?email=${encodeURIComponent(r.order.email)}&lang=${v.lang}" data-testid="manage-cards">${esc(s.manageCards)}</a>`
    : '';
  return shell(
    v,
    r.title,
    `<div class="card">
<div class="outcome ${r.outcome}" data-testid="result-title">${esc(r.title)}</div>
<span hidden data-testid="result-outcome">${r.outcome}</span>
<dl class="facts">${facts}</dl>
<div class="actions">${sub}${cards}<a class="button secondary" href="/${v.keep()}" data-testid="continue-shopping">${esc(s.continueShopping)}</a></div>
</div>`,
  );
}

/**
 * The standard checkout: APS's card form in an iframe on the store's page. The signed TOKENIZATION request (no card
 * data) is posted into the frame as the page loads.
 */
export function standardCheckoutPage(v: View, o: { order: Order; action: string; fields: Fields }): string {
  const s = st(v.lang);
  return shell(
    v,
    s.cardTitle,
    `<div class="card"><h1>${esc(s.cardTitle)}</h1>
<p>${esc(s.reference)}: <span data-testid="merchant-reference" dir="ltr">${esc(o.order.ref)}</span> · ${esc(s.total)}: <span dir="ltr">${esc(money(o.order.amount, o.order.currency))}</span></p>
<iframe name="aps-standard" data-testid="standard-frame" title="${esc(s.cardTitle)}" style="width:100%;min-height:560px;border:1px solid #ddd;border-radius:8px"></iframe>
<form method="post" action="${esc(o.action)}" target="aps-standard" id="standard-form" data-testid="standard-form">
${hiddenInputs(o.fields)}
</form>
<script>document.getElementById('standard-form').submit();</script></div>`,
  );
}

export function threeDsFramePage(v: View, o: { url: string; mode: 'iframe' | 'popup' }): string {
  const s = st(v.lang);
  const inner =
    o.mode === 'iframe'
      ? `<iframe src="${esc(o.url)}" data-testid="3ds-iframe" title="3-D Secure"></iframe>`
      : `<p data-testid="3ds-popup-note">A new window was opened for 3-D Secure.</p><script>window.open(${JSON.stringify(o.url)}, 'aps3ds', 'width=520,height=680');</script>`;
  return shell(v, s.threeDsTitle, `<div class="card"><h1>${esc(s.threeDsTitle)}</h1>${inner}</div>`);
}

/**
 * What the customer sees when an answer came back that the store cannot act on (an unsigned invalid-request
 * answer): it claims neither success nor failure, because nothing in the answer can be trusted.
 */
export function unconfirmedPage(v: View, o: { ref: string; responseCode?: string }): string {
  const s = st(v.lang);
  const facts = [
    fact('merchant-reference', s.reference, o.ref),
    fact('response-code', s.responseCode, o.responseCode),
  ].join('\n');
  return shell(
    v,
    s.unconfirmedTitle,
    `<div class="card"><div class="outcome pending" data-testid="result-title">${esc(s.unconfirmedTitle)}</div>
<span hidden data-testid="result-outcome">unconfirmed</span><p data-testid="error-message">${esc(s.unconfirmedText)}</p>
<dl class="facts">${facts}</dl>
<div class="actions"><a class="button secondary" href="/${v.keep()}" data-testid="continue-shopping">${esc(s.continueShopping)}</a></div></div>`,
  );
}

export function errorPage(v: View, message: string, status = 400): { status: number; html: string } {
  const s = st(v.lang);
  return {
    status,
    html: shell(
      v,
      s.receiptError,
      `<div class="card"><div class="outcome error" data-testid="result-title">${esc(s.receiptError)}</div>
<span hidden data-testid="result-outcome">error</span><p data-testid="error-message">${esc(message)}</p>
<div class="actions"><a class="button secondary" href="/${v.keep()}" data-testid="continue-shopping">${esc(s.continueShopping)}</a></div></div>`,
    ),
  };
}
