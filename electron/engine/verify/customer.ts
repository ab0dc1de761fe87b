import { isIP } from 'node:net';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
import {
  anyPayment,
  fieldRef,
  hostOf,
  isLoopbackOrPrivate,
  noEvidence,
  paymentRequests,
  str,
  type Check,
  type EvidenceRef,
  type VerifyContext,
} from './context';

/** What the customer-data checks say, English beside Arabic. */
const TEXT = {
  email: {
    none: both('no payment request was recorded', 'لم يُسجَّل أي طلب دفع'),
    missing: (id: string) =>
      both(`${id}: the request carries no customer_email`, `${id}: الطلب لا يحمل customer_email`),
    notAnEmail: (id: string, email: string) =>
      both(
        `${id}: customer_email "${email}" is not an email address`,
        `${id}: customer_email "${email}" ليس عنوان بريد إلكتروني`,
      ),
    notTyped: (id: string, email: string, typed: string, placeholder: boolean) =>
      both(
        `${id}: APS received "${email}", ${placeholder ? 'a placeholder' : 'not the one the customer typed'} ("${typed}" was typed)`,
        `${id}: استلم APS "${email}"، ${placeholder ? 'وهو عنوان وهمي' : 'وليس العنوان الذي أدخله العميل'} (أُدخل "${typed}")`,
      ),
    fixed: (email: string | undefined, customers: number) =>
      both(
        `every scenario sent the same customer_email "${email}" although ${customers} different customers paid`,
        `أرسلت كل السيناريوهات customer_email نفسه "${email}" مع أن عدد العملاء المختلفين الذين دفعوا ${customers}`,
      ),
    fix: both(
      'Send the email the customer entered at checkout (or the one on their account) as customer_email, never a fixed or placeholder address: APS fraud screening blocks repeated static emails in production.',
      'أرسل في customer_email البريد الذي أدخله العميل عند الدفع (أو بريد حسابه)، ولا ترسل أبدًا عنوانًا ثابتًا أو وهميًا: فحص الاحتيال لدى APS يحظر في بيئة الإنتاج تكرار العنوان الثابت نفسه.',
    ),
    passed: (scenarios: number, customers: number) =>
      customers > 1
        ? both(
            `customer_email matched the customer's own email in ${scenarios} scenario(s), ${customers} different customers`,
            `طابق customer_email بريد العميل نفسه في ${scenarios} من السيناريوهات، لعملاء مختلفين عددهم ${customers}`,
          )
        : both(
            `customer_email matched the customer's own email in ${scenarios} scenario(s)`,
            `طابق customer_email بريد العميل نفسه في ${scenarios} من السيناريوهات`,
          ),
  },
  ip: {
    none: both('no server-to-server payment request was recorded', 'لم يُسجَّل أي طلب دفع بين الخوادم'),
    missing: (id: string) => both(`${id}: the request carries no customer_ip`, `${id}: الطلب لا يحمل customer_ip`),
    notAnIp: (id: string, raw: string) =>
      both(`${id}: customer_ip "${raw}" is not an IP address`, `${id}: customer_ip "${raw}" ليس عنوان IP`),
    notTheBrowser: (id: string, raw: string, client: string | undefined) =>
      both(
        `${id}: APS received ${raw}, but the customer's browser came from ${client}`,
        `${id}: استلم APS ${raw}، لكن متصفح العميل اتصل من ${client}`,
      ),
    server: (id: string, raw: string) =>
      both(
        `${id}: customer_ip ${raw} is the address of the merchant server that called APS`,
        `${id}: customer_ip ${raw} هو عنوان خادم التاجر الذي أرسل الطلب إلى APS`,
      ),
    private: (id: string, raw: string) =>
      both(
        `${id}: customer_ip ${raw} is a private address on a public site`,
        `${id}: customer_ip ${raw} عنوان خاص على موقع عام`,
      ),
    fixed: (ip: string | undefined, clients: number) =>
      both(
        `every scenario sent customer_ip ${ip} although the browser came from ${clients} different addresses`,
        `أرسلت كل السيناريوهات customer_ip نفسه ${ip} مع أن المتصفح اتصل من عناوين مختلفة عددها ${clients}`,
      ),
    fix: both(
      "Send the address the customer's browser connected from as customer_ip (behind a proxy or load balancer: the first X-Forwarded-For hop added by your own trusted proxy), never the server's address or a fixed value.",
      'أرسل في customer_ip العنوان الذي اتصل منه متصفح العميل (خلف وكيل أو موازن أحمال: أول عنوان في X-Forwarded-For أضافه الوكيل الموثوق لديك)، ولا ترسل أبدًا عنوان الخادم أو قيمة ثابتة.',
    ),
    unknownClient: (ids: string[]) =>
      both(
        `customer_ip is a valid address, but the browser's own address was not recorded for ${ids.join(', ')}, so it could not be compared`,
        `customer_ip عنوان صالح، لكن عنوان المتصفح نفسه لم يُسجَّل في ${ids.join('، ')}، فتعذّرت المقارنة`,
      ),
    unknownClientFix: both(
      "Run the scenarios again with Certkit so the client address is recorded, or confirm the value is the customer's public IP.",
      'شغّل السيناريوهات مرة أخرى من Certkit ليُسجَّل عنوان العميل، أو أكّد أن القيمة هي عنوان IP العام للعميل.',
    ),
    passed: (scenarios: number, relayed: number) =>
      relayed
        ? both(
            `customer_ip equalled the browser's address in ${scenarios} scenario(s) (${relayed} server-to-server request(s) recorded by the relay)`,
            `طابق customer_ip عنوان المتصفح في ${scenarios} من السيناريوهات (منها طلبات بين الخوادم سجّلها المُرحِّل، عددها ${relayed})`,
          )
        : both(
            `customer_ip equalled the browser's address in ${scenarios} scenario(s)`,
            `طابق customer_ip عنوان المتصفح في ${scenarios} من السيناريوهات`,
          ),
  },
};

// Merchant-initiated recurring charges have no customer present; APS wants the original order's values there,
// so they are left out of the "typed by this customer" comparison.
function customerRequests(ctx: VerifyContext): { ev: ScenarioEvidence; x: Exchange }[] {
  const out: { ev: ScenarioEvidence; x: Exchange }[] = [];
  for (const ev of ctx.scenarios) {
    const x = paymentRequests(ev).find((r) => str(r.requestFields.eci) !== 'RECURRING');
    if (x) out.push({ ev, x });
  }
  return out;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
const PLACEHOLDER_LOCAL =
  /^(test|testing|tester|email|mail|customer|client|user|guest|noreply|no-reply|donotreply|dummy|fake|sample|admin|default|shop|store|info)\d*$/i;
const PLACEHOLDER_DOMAIN = /^(test\.com|domain\.com|email\.com|example\.com|mailinator\.com|test\.test|localhost)$/i;

export function placeholderEmail(email: string): boolean {
  const [local, domain] = email.split('@');
  return PLACEHOLDER_LOCAL.test(local ?? '') || PLACEHOLDER_DOMAIN.test(domain ?? '');
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export const checkCustomerEmail: Check = (ctx) => {
  const requests = customerRequests(ctx);
  if (!requests.length) return noEvidence(ctx, anyPayment(ctx), TEXT.email.none);
  const problems: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  for (const { ev, x } of requests) {
    const email = str(x.requestFields.customer_email);
    evidence.push(fieldRef(ev, x, 'customer_email', email ?? '(missing)'));
    if (!email) {
      problems.push(TEXT.email.missing(ev.scenarioId));
      continue;
    }
    if (!EMAIL_SHAPE.test(email)) problems.push(TEXT.email.notAnEmail(ev.scenarioId, email));
    const typed = ev.customer.email;
    if (typed && !same(typed, email))
      problems.push(TEXT.email.notTyped(ev.scenarioId, email, typed, placeholderEmail(email)));
  }
  // The run gives scenarios different customers on purpose: one email for all of them means a fixed value.
  const typed = new Set(requests.map((r) => r.ev.customer.email.toLowerCase()));
  const sent = new Set(requests.map((r) => (str(r.x.requestFields.customer_email) ?? '').toLowerCase()));
  if (typed.size > 1 && sent.size === 1) problems.push(TEXT.email.fixed([...sent][0], typed.size));
  if (problems.length) return { status: 'failed', summary: joinBoth(problems), fix: TEXT.email.fix, evidence };
  return {
    status: 'passed',
    summary: TEXT.email.passed(requests.length, typed.size),
    evidence,
  };
};

function normalizeIp(ip: string): string {
  return ip
    .trim()
    .replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')
    .toLowerCase();
}

export const checkCustomerIp: Check = (ctx) => {
  const requests = customerRequests(ctx).filter(
    ({ x }) => x.kind === 'paymentApi' || x.requestFields.customer_ip !== undefined,
  );
  if (!requests.length) return noEvidence(ctx, anyPayment(ctx), TEXT.ip.none);
  const sitePublic = !isLoopbackOrPrivate(hostOf(ctx.workspace.store.baseUrl) ?? 'localhost');
  const problems: Bilingual[] = [];
  const unknownClient: string[] = [];
  const evidence: EvidenceRef[] = [];
  for (const { ev, x } of requests) {
    const raw = str(x.requestFields.customer_ip);
    evidence.push(fieldRef(ev, x, 'customer_ip', raw ?? '(missing)'));
    if (!raw) {
      problems.push(TEXT.ip.missing(ev.scenarioId));
      continue;
    }
    const ip = normalizeIp(raw);
    if (!isIP(ip)) {
      problems.push(TEXT.ip.notAnIp(ev.scenarioId, raw));
      continue;
    }
    const client = ev.clientAddress ? normalizeIp(ev.clientAddress) : undefined;
    if (client) {
      if (client !== ip) problems.push(TEXT.ip.notTheBrowser(ev.scenarioId, raw, ev.clientAddress));
      continue;
    }
    unknownClient.push(ev.scenarioId);
    const server = x.remoteAddress ? normalizeIp(x.remoteAddress) : undefined;
    if (sitePublic && server === ip) problems.push(TEXT.ip.server(ev.scenarioId, raw));
    else if (sitePublic && isLoopbackOrPrivate(ip)) problems.push(TEXT.ip.private(ev.scenarioId, raw));
  }
  const clients = new Set(requests.map((r) => r.ev.clientAddress).filter(Boolean));
  const sent = new Set(requests.map((r) => normalizeIp(str(r.x.requestFields.customer_ip) ?? '')));
  if (clients.size > 1 && sent.size === 1) problems.push(TEXT.ip.fixed([...sent][0], clients.size));
  if (problems.length) return { status: 'failed', summary: joinBoth(problems), fix: TEXT.ip.fix, evidence };
  if (unknownClient.length) {
    return {
      status: 'warn',
      summary: TEXT.ip.unknownClient(unknownClient),
      fix: TEXT.ip.unknownClientFix,
      evidence,
    };
  }
  const relayed = requests.filter(({ x }) => x.observedBy === 'relay').length;
  return {
    status: 'passed',
    summary: TEXT.ip.passed(requests.length, relayed),
    evidence,
  };
};
