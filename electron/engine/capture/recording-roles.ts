// What each value typed in a raw Recorder export is, decided by where it was typed (the store, or APS's and the local
// method's pages) and the field's own name (aria name, id, test id), and only then by its shape. The role names the
// placeholder the run fills per scenario: the scenario's test card, a local method's test values, the customer's data.
import { LOCAL_TEST_VALUES } from '../../../shared/aps/test-cards';
import { CARD_METHODS, LOCAL_METHODS, type MethodId } from '../../../shared/aps/methods';
import { isPan, panDigits } from '../../../shared/card';
import type { Zone } from './recording-pages';

/** How the scenarios a recording serves pay: a card (any brand), or one local method with its own test values. */
export type PayingWith =
  { kind: 'card' } | { kind: 'local'; method: keyof typeof LOCAL_TEST_VALUES } | { kind: 'other' };

export function payingWith(methods: MethodId[]): PayingWith {
  if (methods.every((m) => CARD_METHODS.includes(m))) return { kind: 'card' };
  const [first] = methods;
  if (LOCAL_METHODS.includes(first) && methods.every((m) => m === first))
    return { kind: 'local', method: first as keyof typeof LOCAL_TEST_VALUES };
  return { kind: 'other' };
}

type Role = 'holder' | 'cvv' | 'expiry' | 'pin' | 'otp' | 'password' | 'bank' | 'card' | 'email' | 'phone' | 'name';

/** Field names, most specific first: "Name on card" is the holder before it is a name, "Card PIN" a PIN. */
const ROLE_BY_NAME: [Role, RegExp][] = [
  ['holder', /holder|name on (the )?card|card ?name/i],
  ['cvv', /cvv|cvc|csc|security ?code|card ?code|verification value/i],
  ['expiry', /expir|exp(\.|iry)? ?date|mm ?\/ ?yy|valid (thru|until)/i],
  ['pin', /(^|[^a-z])pin([^a-z]|$)/i],
  ['otp', /otp|one.?time|verification code|sms code/i],
  ['password', /password|passcode/i],
  ['bank', /(^|[^a-z])(bank|issuer)([^a-z]|$)/i],
  ['card', /card|(^|[^a-z])pan([^a-z]|$)|account ?number/i],
  ['email', /e-?mail/i],
  ['phone', /phone|mobile|(^|[^a-z])tel([^a-z]|$)|msisdn|whatsapp/i],
  ['name', /(^|[^a-z])name([^a-z]|$)/i],
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EXPIRY = /^(0[1-9]|1[0-2])\s*\/\s*\d{2}(\d{2})?$/;
const PHONE = /^\+?[\d\s()-]{8,18}$/;

/** The names a step's selectors give its field: aria names, ids, test ids and name attributes. */
export function fieldNames(step: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const selectors = Array.isArray(step.selectors) ? (step.selectors as unknown[]) : [];
  for (const sel of selectors.flat()) {
    const s = String(sel);
    const aria = /^aria\/(.+?)(\[role=.*\])?$/.exec(s);
    if (aria) out.add(aria[1]);
    for (const m of s.matchAll(
      /#([\w-]+)|\[(?:data-testid|name|id|autocomplete|aria-label|placeholder)=['"]?([^'"\]]+)/g,
    ))
      out.add(m[1] ?? m[2]);
    for (const m of s.matchAll(/@(?:id|name|data-testid)=\\?"([^"\\]+)/g)) out.add(m[1]);
  }
  return [...out].map((n) => n.replace(/[-_]+/g, ' '));
}

/** How a person would call the field: its aria name, else its id or first selector. */
export function fieldLabel(step: Record<string, unknown>): string {
  const selectors = Array.isArray(step.selectors) ? (step.selectors as unknown[]).flat().map(String) : [];
  const aria = selectors.map((s) => /^aria\/(.+?)(\[role=.*\])?$/.exec(s)?.[1]).find(Boolean);
  return aria ?? fieldNames(step)[0] ?? selectors[0] ?? 'a field';
}

function roleByName(names: string[]): Role | undefined {
  for (const [role, pattern] of ROLE_BY_NAME) if (names.some((n) => pattern.test(n))) return role;
  return undefined;
}

function roleByShape(value: string, zone: Zone): Role | undefined {
  const v = value.trim();
  if (isPan(panDigits(v))) return 'card';
  if (EMAIL.test(v)) return 'email';
  if (EXPIRY.test(v)) return 'expiry';
  // E.164 numbers have at most 15 digits; a longer run is a mistyped card number, not a phone.
  const digits = v.replace(/\D/g, '').length;
  if (zone === 'store' && PHONE.test(v) && digits >= 8 && digits <= 15) return 'phone';
  return undefined;
}

export type RoleDecision = { placeholder: string; by: 'name' | 'shape' | 'position' } | { kept: string };

const CARD_ROLE: Partial<Record<Role, string>> = {
  card: 'card.number',
  expiry: 'card.expiry',
  cvv: 'card.cvv',
  holder: 'card.holder',
};

/** The placeholder for a local method's field, when the catalog has a test value for it. */
function localPlaceholder(method: keyof typeof LOCAL_TEST_VALUES, role: Role): string | undefined {
  const values = LOCAL_TEST_VALUES[method].success;
  const key = role === 'holder' ? undefined : role;
  return key && key in values ? `${method.toLowerCase()}.${key}` : undefined;
}

/**
 * The placeholder for a value typed into a field, or why it stays as recorded. `afterCard` says the previous typed
 * value was a card number (a bare 3 or 4 digits right after one is its security code).
 */
export function roleOf(
  step: Record<string, unknown>,
  zone: Zone,
  paying: PayingWith,
  afterCard: boolean,
): RoleDecision {
  const value = String(step.value ?? '');
  const byName = roleByName(fieldNames(step));
  let role = byName;
  let by: 'name' | 'shape' | 'position' = 'name';
  if (!role) {
    role = roleByShape(value, zone);
    by = 'shape';
  }
  if (!role && afterCard && /^\d{3,4}$/.test(value.trim())) {
    role = 'cvv';
    by = 'position';
  }
  if (!role) return { kept: 'no role Certkit fills (not a card, test credential or customer field)' };
  if (role === 'email')
    return EMAIL.test(value.trim()) ? { placeholder: 'customer.email', by } : { kept: 'not an email address' };
  if (role === 'password')
    return { kept: 'a 3-D Secure or bank password: the test page decides it, so it stays as recorded' };
  if (paying.kind === 'local') {
    const local = localPlaceholder(paying.method, role);
    // A local method's own page, or its credentials typed on the store's page: the method's test values.
    if (local && (zone === 'away' || role !== 'phone')) return { placeholder: local, by };
  }
  if (role === 'phone') return { placeholder: 'customer.phone', by };
  if (role === 'name') {
    if (zone === 'store') return { placeholder: 'customer.name', by };
    return paying.kind === 'card' ? { placeholder: 'card.holder', by } : { kept: 'a name on a payment page' };
  }
  if (paying.kind === 'card' || zone === 'store') {
    const card = CARD_ROLE[role];
    if (card) return { placeholder: card, by };
  }
  if (role === 'bank') return { kept: 'a bank picked from a list' };
  const method = paying.kind === 'local' ? paying.method : 'this method';
  return { kept: `the catalog has no ${role} test value for ${method}` };
}
