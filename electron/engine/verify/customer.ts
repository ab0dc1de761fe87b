import { isIP } from 'node:net';
import type { Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
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
  if (!requests.length) return noEvidence(ctx, anyPayment(ctx), 'no payment request was recorded');
  const problems: string[] = [];
  const evidence: EvidenceRef[] = [];
  for (const { ev, x } of requests) {
    const email = str(x.requestFields.customer_email);
    evidence.push(fieldRef(ev, x, 'customer_email', email ?? '(missing)'));
    if (!email) {
      problems.push(`${ev.scenarioId}: the request carries no customer_email`);
      continue;
    }
    if (!EMAIL_SHAPE.test(email)) problems.push(`${ev.scenarioId}: customer_email "${email}" is not an email address`);
    const typed = ev.customer.email;
    if (typed && !same(typed, email)) {
      const kind = placeholderEmail(email) ? 'a placeholder' : 'not the one the customer typed';
      problems.push(`${ev.scenarioId}: APS received "${email}", ${kind} ("${typed}" was typed)`);
    }
  }
  // The run gives scenarios different customers on purpose: one email for all of them means a fixed value.
  const typed = new Set(requests.map((r) => r.ev.customer.email.toLowerCase()));
  const sent = new Set(requests.map((r) => (str(r.x.requestFields.customer_email) ?? '').toLowerCase()));
  if (typed.size > 1 && sent.size === 1) {
    problems.push(
      `every scenario sent the same customer_email "${[...sent][0]}" although ${typed.size} different customers paid`,
    );
  }
  if (problems.length) {
    return {
      status: 'failed',
      summary: problems.join('; '),
      fix: 'Send the email the customer entered at checkout (or the one on their account) as customer_email, never a fixed or placeholder address: APS fraud screening blocks repeated static emails in production.',
      evidence,
    };
  }
  return {
    status: 'passed',
    summary: `customer_email matched the customer's own email in ${requests.length} scenario(s)${typed.size > 1 ? `, ${typed.size} different customers` : ''}`,
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
  if (!requests.length) return noEvidence(ctx, anyPayment(ctx), 'no server-to-server payment request was recorded');
  const sitePublic = !isLoopbackOrPrivate(hostOf(ctx.workspace.store.baseUrl) ?? 'localhost');
  const problems: string[] = [];
  const unknownClient: string[] = [];
  const evidence: EvidenceRef[] = [];
  for (const { ev, x } of requests) {
    const raw = str(x.requestFields.customer_ip);
    evidence.push(fieldRef(ev, x, 'customer_ip', raw ?? '(missing)'));
    if (!raw) {
      problems.push(`${ev.scenarioId}: the request carries no customer_ip`);
      continue;
    }
    const ip = normalizeIp(raw);
    if (!isIP(ip)) {
      problems.push(`${ev.scenarioId}: customer_ip "${raw}" is not an IP address`);
      continue;
    }
    const client = ev.clientAddress ? normalizeIp(ev.clientAddress) : undefined;
    if (client) {
      if (client !== ip)
        problems.push(
          `${ev.scenarioId}: APS received ${raw}, but the customer's browser came from ${ev.clientAddress}`,
        );
      continue;
    }
    unknownClient.push(ev.scenarioId);
    const server = x.remoteAddress ? normalizeIp(x.remoteAddress) : undefined;
    if (sitePublic && server === ip)
      problems.push(`${ev.scenarioId}: customer_ip ${raw} is the address of the merchant server that called APS`);
    else if (sitePublic && isLoopbackOrPrivate(ip))
      problems.push(`${ev.scenarioId}: customer_ip ${raw} is a private address on a public site`);
  }
  const clients = new Set(requests.map((r) => r.ev.clientAddress).filter(Boolean));
  const sent = new Set(requests.map((r) => normalizeIp(str(r.x.requestFields.customer_ip) ?? '')));
  if (clients.size > 1 && sent.size === 1) {
    problems.push(
      `every scenario sent customer_ip ${[...sent][0]} although the browser came from ${clients.size} different addresses`,
    );
  }
  if (problems.length) {
    return {
      status: 'failed',
      summary: problems.join('; '),
      fix: "Send the address the customer's browser connected from as customer_ip (behind a proxy or load balancer: the first X-Forwarded-For hop added by your own trusted proxy), never the server's address or a fixed value.",
      evidence,
    };
  }
  if (unknownClient.length) {
    return {
      status: 'warn',
      summary: `customer_ip is a valid address, but the browser's own address was not recorded for ${unknownClient.join(', ')}, so it could not be compared`,
      fix: "Run the scenarios again with Certkit so the client address is recorded, or confirm the value is the customer's public IP.",
      evidence,
    };
  }
  const relayed = requests.filter(({ x }) => x.observedBy === 'relay').length;
  return {
    status: 'passed',
    summary: `customer_ip equalled the browser's address in ${requests.length} scenario(s)${relayed ? ` (${relayed} server-to-server request(s) recorded by the relay)` : ''}`,
    evidence,
  };
};
