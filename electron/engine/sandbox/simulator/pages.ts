import {
  PAYMENT_METHODS,
  SIMULATOR_3DS_PASSWORD,
  formatMinorUnits,
  type MethodId,
} from '../../../../shared/aps/catalog';
import { badges, type BadgeId } from '../badges';
import { esc, page } from '../html';
import type { LocalMethodId } from './config';
import { t, type Lang } from './i18n';
import { KNET_BANKS, type LpmField, type LpmStep } from './lpm';

const CSS = `
*{box-sizing:border-box}
button,input,select{font-family:inherit}
body{margin:0;font-family:"Noto Sans","Noto Sans Arabic",Arial,sans-serif;background:#eef1f5;color:#1f2933}
header{background:#232f3e;color:#fff;padding:14px 28px;display:flex;align-items:center;gap:14px}
header .logo{font-weight:700;font-size:20px;letter-spacing:.3px}
header .logo span{color:#ff9900}
header .note{font-size:12px;opacity:.75}
main{max-width:520px;margin:32px auto;background:#fff;border-radius:10px;box-shadow:0 2px 10px rgba(0,0,0,.08);padding:28px}
h1{font-size:21px;margin:0 0 16px}
.summary{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;align-items:baseline;font-size:14px;background:#f7f8fa;padding:12px 14px;border-radius:8px;margin-bottom:20px}
.summary dt{color:#616e7c}.summary dd{margin:0;font-weight:600}
html[dir=rtl] .summary dd{text-align:right}
label{display:block;font-size:13px;color:#3e4c59;margin:14px 0 5px}
input,select{width:100%;padding:10px 12px;font-size:16px;border:1px solid #cbd2d9;border-radius:6px;background:#fff}
.row{display:flex;gap:12px}.row>div{flex:1}
.actions{display:flex;gap:12px;margin-top:22px}
button{padding:11px 20px;font-size:16px;border-radius:6px;border:0;cursor:pointer}
button.primary{background:#ff9900;color:#111;font-weight:700;flex:1}
button.secondary{background:#e4e7eb;color:#323f4b}
.error{background:#fde8e8;color:#9b1c1c;padding:10px 12px;border-radius:6px;margin-bottom:12px;font-size:14px}
.badges{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:16px}
.outcome{font-size:20px;font-weight:700;padding:14px;border-radius:8px;margin-bottom:18px}
.outcome.ok{background:#e3f9e5;color:#05400a}.outcome.bad{background:#fde8e8;color:#9b1c1c}
.embedded{margin:0;box-shadow:none;border-radius:0;max-width:none;padding:16px}
body:has(main.embedded){background:#fff}
label.check{display:flex;gap:8px;align-items:center}label.check input{width:auto}
.knet header,.naps header,.benefit header,.omannet header,.stcpay header{background:var(--brand)}
`;

const BRAND_COLORS: Record<string, string> = {
  knet: '#0a6cb3',
  naps: '#8a1538',
  benefit: '#b5121b',
  omannet: '#00664f',
  stcpay: '#4f008c',
};

export interface Summary {
  merchant: string;
  reference: string;
  amount: string;
  currency: string;
}

function shell(lang: Lang, title: string, body: string, cls = ''): string {
  const s = t(lang);
  const color = BRAND_COLORS[cls];
  return page({
    title,
    lang,
    css: CSS + (color ? `.${cls}{--brand:${color}}` : ''),
    body: `<div class="${cls}"><header><div class="logo">${cls ? esc(title) : `APS <span>sandbox</span>`}</div><div class="note">${esc(s.brandNote)}</div></header>
<main>${body}</main></div>`,
  });
}

function summaryBlock(lang: Lang, sm: Summary): string {
  const s = t(lang);
  return `<dl class="summary">
<dt>${esc(s.merchant)}</dt><dd dir="ltr">${esc(sm.merchant)}</dd>
<dt>${esc(s.reference)}</dt><dd data-testid="sim-merchant-reference" dir="ltr">${esc(sm.reference)}</dd>
${sm.currency ? `<dt>${esc(s.amount)}</dt><dd data-testid="sim-amount" dir="ltr">${esc(formatMinorUnits(sm.amount, sm.currency))} ${esc(sm.currency)}</dd>` : ''}
</dl>`;
}

function input(testid: string, name: string, label: string, attrs = ''): string {
  return `<label for="${esc(testid)}">${esc(label)}</label><input id="${esc(testid)}" name="${esc(name)}" data-testid="${esc(testid)}" ${attrs}>`;
}

/** An installment plan the standard checkout's card form offers (value: its plan_code). */
export interface PlanChoice {
  value: string;
  issuer: string;
  months: number;
  perMonth: string;
  feePercent: number;
}

export function cardPage(o: {
  lang: Lang;
  action: string;
  summary: Summary;
  method?: MethodId;
  installments: boolean;
  /** The standard checkout's form, shown inside the merchant's iframe: no page header, a compact layout. */
  embedded?: boolean;
  /** A saved card (token_name in the request): its masked number and expiry are shown, only the CVV is asked. */
  saved?: { masked: string; expiry: string };
  /** Issuer plans (standard checkout with installments STANDALONE). */
  plans?: PlanChoice[];
  rememberMe?: boolean;
  error?: string;
  values?: Record<string, string>;
}): string {
  const s = t(o.lang);
  const v = o.values ?? {};
  const shown: BadgeId[] = o.method === 'MADA' ? ['mada'] : ['mada', 'visa', 'mastercard', 'amex'];
  const plans = o.installments
    ? `<label for="installments-plan">${esc(s.installments)}</label><select id="installments-plan" name="plan" data-testid="installments-plan">
${[3, 6, 12, 1].map((n, i) => `<option value="${n}"${i === 0 ? ' selected' : ''}>${esc(s.plan(n))}</option>`).join('')}</select>`
    : o.plans?.length
      ? `<label for="installments-plan">${esc(s.installments)}</label><select id="installments-plan" name="plan" data-testid="installments-plan">
<option value="">${esc(s.payInFull)}</option>
${o.plans.map((p) => `<option value="${esc(p.value)}"${v.plan === p.value ? ' selected' : ''}>${esc(s.planOption(p.issuer, p.months, p.perMonth, p.feePercent))}</option>`).join('\n')}</select>`
      : '';
  const card = o.saved
    ? `<p data-testid="saved-card"><strong>${esc(s.savedCard)}:</strong> <span dir="ltr">${esc(o.saved.masked)}</span> (<span dir="ltr">${esc(o.saved.expiry.slice(2))}/${esc(o.saved.expiry.slice(0, 2))}</span>)</p>
${input('card-cvv', 'cvv', s.cvv, 'inputmode="numeric" type="password"')}`
    : `${input('card-number', 'card_number', s.cardNumber, `inputmode="numeric" value="${esc(v.card_number ?? '')}"`)}
<div class="row"><div>${input('card-expiry', 'expiry', s.expiry, `placeholder="MM/YY" value="${esc(v.expiry ?? '')}"`)}</div>
<div>${input('card-cvv', 'cvv', s.cvv, 'inputmode="numeric" type="password"')}</div></div>
${input('card-holder', 'card_holder_name', s.holder, `value="${esc(v.card_holder_name ?? '')}"`)}`;
  const remember = o.rememberMe
    ? `<label class="check"><input type="checkbox" name="remember_me" value="YES" data-testid="remember-me"> ${esc(s.saveCard)}</label>`
    : '';
  const form = `${badges(shown)}
${o.error ? `<div class="error" data-testid="form-error">${esc(o.error)}</div>` : ''}
<form method="post" action="${esc(o.action)}" autocomplete="off">
${card}
${plans}
${remember}
<div class="actions"><button type="submit" class="primary" name="action" value="pay" data-testid="pay-button">${esc(s.pay)}</button>
<button type="submit" class="secondary" name="action" value="cancel" data-testid="cancel-button" formnovalidate>${esc(s.cancel)}</button></div>
</form>`;
  if (o.embedded) {
    return page({
      title: s.brand,
      lang: o.lang,
      css: CSS,
      body: `<main class="embedded" data-testid="standard-checkout">${summaryBlock(o.lang, o.summary)}${form}</main>`,
    });
  }
  return shell(
    o.lang,
    s.brand,
    `<h1>${esc(s.pay)}</h1>
${summaryBlock(o.lang, o.summary)}
${form}`,
  );
}

export function threeDsPage(o: {
  lang: Lang;
  action: string;
  summary: Summary;
  maskedCard: string;
  error?: string;
}): string {
  const s = t(o.lang);
  return shell(
    o.lang,
    s.threeDsTitle,
    `<h1>${esc(s.threeDsTitle)}</h1>
${summaryBlock(o.lang, o.summary)}
<p>${esc(s.threeDsText(SIMULATOR_3DS_PASSWORD))}</p>
<p><strong>${esc(s.cardNumber)}:</strong> <span dir="ltr">${esc(o.maskedCard)}</span></p>
${o.error ? `<div class="error">${esc(o.error)}</div>` : ''}
<form method="post" action="${esc(o.action)}" autocomplete="off">
${input('3ds-password', 'password', s.password, 'type="password"')}
<div class="actions"><button type="submit" class="primary" name="action" value="submit" data-testid="3ds-submit">${esc(s.submit)}</button>
<button type="submit" class="secondary" name="action" value="cancel" data-testid="3ds-cancel">${esc(s.cancel)}</button></div>
</form>`,
  );
}

function lpmLabel(field: LpmField, lang: Lang): string {
  const s = t(lang);
  return { bank: s.bank, card: s.card, expiry: s.expiry, pin: s.pin, cvv: s.cvv, otp: s.otp, phone: s.phone }[field];
}

function lpmField(m: string, field: LpmField, lang: Lang): string {
  const id = `${m}-${field}`;
  if (field === 'bank') {
    return `<label for="${id}">${esc(lpmLabel(field, lang))}</label><select id="${id}" name="bank" data-testid="${id}">${KNET_BANKS.map((b) => `<option value="${esc(b)}">${esc(b)}</option>`).join('')}</select>`;
  }
  const secret = field === 'pin' || field === 'cvv' || field === 'otp';
  return input(
    id,
    field,
    lpmLabel(field, lang),
    `${secret ? 'type="password" inputmode="numeric"' : field === 'phone' ? 'type="tel"' : ''}${field === 'expiry' ? ' placeholder="MM/YY"' : ''}`,
  );
}

function methodLabel(method: LocalMethodId, lang: Lang): string {
  return lang === 'ar' ? PAYMENT_METHODS[method].labelAr : PAYMENT_METHODS[method].label;
}

export function lpmStepPage(o: {
  lang: Lang;
  method: LocalMethodId;
  step: LpmStep;
  action: string;
  summary: Summary;
}): string {
  const s = t(o.lang);
  const m = o.method.toLowerCase();
  const label = methodLabel(o.method, o.lang);
  const title = o.step.kind === 'otp' ? s.otpPage(label) : s.paymentPage(label);
  return shell(
    o.lang,
    title,
    `<h1>${esc(title)}</h1>
${badges([m as BadgeId])}
${summaryBlock(o.lang, o.summary)}
${o.step.kind === 'otp' ? `<p>${esc(s.otpText)}</p>` : ''}
<form method="post" action="${esc(o.action)}" autocomplete="off">
${o.step.fields.map((f) => lpmField(m, f, o.lang)).join('\n')}
<div class="actions"><button type="submit" class="primary" name="action" value="submit" data-testid="${m}-submit">${esc(s.submit)}</button>
<button type="submit" class="secondary" name="action" value="cancel" data-testid="${m}-cancel">${esc(s.cancel)}</button></div>
</form>`,
    m,
  );
}

export function lpmConfirmPage(o: {
  lang: Lang;
  method: LocalMethodId;
  approved: boolean;
  action: string;
  summary: Summary;
  paymentId: string;
  refNumber: string;
  date: string;
}): string {
  const s = t(o.lang);
  const m = o.method.toLowerCase();
  const label = methodLabel(o.method, o.lang);
  return shell(
    o.lang,
    s.confirmation(label),
    `<h1>${esc(s.confirmation(label))}</h1>
${badges([m as BadgeId])}
<div class="outcome ${o.approved ? 'ok' : 'bad'}" data-testid="${m}-outcome">${esc(o.approved ? s.approved : s.declined)}</div>
${summaryBlock(o.lang, o.summary)}
<dl class="summary">
<dt>${esc(s.paymentId)}</dt><dd data-testid="${m}-payment-id" dir="ltr">${esc(o.paymentId)}</dd>
<dt>${esc(s.refNumber)}</dt><dd data-testid="${m}-ref-number" dir="ltr">${esc(o.refNumber)}</dd>
<dt>${esc(s.date)}</dt><dd dir="ltr">${esc(o.date)}</dd>
</dl>
<form method="post" action="${esc(o.action)}"><div class="actions">
<button type="submit" class="primary" data-testid="${m}-continue">${esc(s.confirm)}</button></div></form>`,
    m,
  );
}

export function refusedPage(o: { lang: Lang; code: string; message: string }): string {
  const s = t(o.lang);
  return shell(
    o.lang,
    s.brand,
    `<h1>${esc(s.refused)}</h1>
<div class="error" dir="ltr"><span data-testid="sim-response-code">${esc(o.code)}</span>: <span data-testid="sim-response-message">${esc(o.message)}</span></div>`,
  );
}
