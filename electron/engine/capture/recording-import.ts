// A raw Chrome Recorder export made into a Certkit flow, unchanged in what it does: typed values become placeholders by
// role, URLs on the store's origin become relative to store.baseUrl, card numbers and emails are scrubbed from every
// other string, and the pages that fill the scenario's screenshot slots are tagged. Pure: no disk, no browser.
import { PAYMENT_PAGE_PATH } from '../../../shared/aps/endpoints';
import { LOCAL_TEST_VALUES } from '../../../shared/aps/test-cards';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Scenario } from '../../../shared/aps/scenarios';
import { maskPan, panDigits, isPan, replaceCardNumbersIn } from '../../../shared/card';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { validateFlow } from './flow-file';
import { originOf, recordedPages, recordedStoreOrigin, type RecordedPage } from './recording-pages';
import { fieldLabel, payingWith, roleOf, type PayingWith } from './recording-roles';
import { inferSlots } from './slot-inference';

export interface Substitution {
  /** 1-based, as a person counts steps. */
  step: number;
  field: string;
  /** Where it was typed: "store page", "APS page", "<host> page". */
  page: string;
  placeholder: string;
  /** The value as recorded, card numbers masked. */
  recorded: string;
  /** Decided by the field's name, the value's shape, or its place right after a card number. */
  by: 'name' | 'shape' | 'position';
}

export interface KeptValue {
  step: number;
  field: string;
  page: string;
  recorded: string;
  why: string;
}

export interface SlotTagged {
  step: number;
  slot: string;
  url: string;
  why: string;
  /** Inferred by the import, already in the recording, or set by the person importing. */
  source: 'inferred' | 'recording' | 'set';
}

export interface RecordingReport {
  substitutions: Substitution[];
  kept: KeptValue[];
  /** Card numbers, emails and typed values found inside URLs, selectors and titles, and what replaced them. */
  scrubbed: { placeholder: string; count: number }[];
  /** Store URLs made relative to store.baseUrl. */
  relative: { origins: string[]; count: number };
  slots: SlotTagged[];
  /** Slots the scenarios need that no step is tagged with. */
  missingSlots: string[];
}

export interface RecordingContext {
  scenarios: Scenario[];
  /** Page slots the scenarios need in this workspace, in catalog order. */
  slots: string[];
  /** store.baseUrl (unset: the recording's own origin is the store). */
  baseUrl?: string;
  apsHosts: string[];
  /** 1-based step -> slot to tag it with, or null to untag it. */
  slotOverrides?: Map<number, string | null>;
  source: string;
}

type Step = Record<string, unknown>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every string in a JSON value rewritten by `fn`, except the keys that must stay as they are. */
function mapStrings(value: unknown, fn: (s: string, key: string) => string, key = ''): unknown {
  if (typeof value === 'string') return fn(value, key);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'type' || k === 'certkit' ? v : mapStrings(v, fn, k)]),
    );
  }
  return value;
}

/** The prefixes of store URLs that become {{baseUrl}}: store.baseUrl itself, and the origin the recording used. */
function storePrefixes(recorded: string | undefined, baseUrl: string | undefined): string[] {
  const out: string[] = [];
  const base = baseUrl?.replace(/\/+$/, '');
  if (base) out.push(base);
  if (recorded && (!base || originOf(base) !== recorded)) {
    const basePath = base ? new URL(base).pathname.replace(/\/+$/, '') : '';
    out.push(recorded + basePath);
  }
  return out;
}

function pageName(page: RecordedPage | undefined, apsHosts: string[]): string {
  if (!page || page.zone === 'store') return 'store page';
  try {
    const u = new URL(page.url);
    if (apsHosts.includes(u.host) || apsHosts.includes(u.hostname) || u.pathname.startsWith('/FortAPI/'))
      return u.pathname.endsWith(PAYMENT_PAGE_PATH) ? 'APS payment page' : 'APS page';
    return `${u.host} page`;
  } catch (err) {
    if (err instanceof TypeError) return 'payment page';
    throw err;
  }
}

function shown(value: string): string {
  const digits = panDigits(value);
  return isPan(digits) ? maskPan(digits) : value;
}

/** One payment method's recording, or scenarios that differ only in their test card; the run fills in the rest. */
export function payingWithOf(scenarios: Scenario[]): PayingWith {
  const paying = payingWith(scenarios.map((s) => s.method));
  if (paying.kind === 'other' && scenarios.length > 1) {
    const served = scenarios.map((s) => `${s.id} (${s.method})`);
    throw new CertkitError(
      both(
        `one recording cannot serve ${served.join(', ')}: they pay with different methods`,
        `لا يخدم تسجيل واحد ${served.join('، ')}: فهي تدفع بطرق دفع مختلفة`,
      ),
      {
        hint: both(
          'import it for the scenarios of one payment method (e.g. knet-success,knet-declined), each method apart',
          'استورده لسيناريوهات طريقة دفع واحدة (مثل knet-success,knet-declined)، وكل طريقة على حدة',
        ),
      },
    );
  }
  return paying;
}

/** The recording with placeholders, relative URLs and slot tags, and what was done to it. */
export function prepareRecording(
  value: unknown,
  ctx: RecordingContext,
): { flow: Record<string, unknown>; report: RecordingReport; storeOrigin?: string } {
  const loaded = validateFlow(value, ctx.source);
  const steps = loaded.raw.steps as Step[];
  const recordedOrigin = recordedStoreOrigin(steps);
  const baseOrigin = ctx.baseUrl ? originOf(ctx.baseUrl) : undefined;
  const origins = [recordedOrigin, baseOrigin].filter((o): o is string => !!o);
  const pages = recordedPages(steps, origins);
  const pageOf = (i: number) => pages.find((p) => p.arrival <= i && i <= p.last);
  const paying = payingWithOf(ctx.scenarios);

  // Typed values, by role.
  const substitutions: Substitution[] = [];
  const kept: KeptValue[] = [];
  const typed = new Map<string, string>();
  let afterCard = false;
  const out = steps.map((step, i) => {
    if (step.type !== 'change' || typeof step.value !== 'string' || /\{\{/.test(step.value)) return step;
    const page = pageOf(i);
    const decision = roleOf(step, page?.zone ?? 'store', paying, afterCard);
    const where = pageName(page, ctx.apsHosts);
    const field = fieldLabel(step);
    if ('kept' in decision) {
      afterCard = false;
      if (step.value.trim())
        kept.push({ step: i + 1, field, page: where, recorded: shown(step.value), why: decision.kept });
      return step;
    }
    afterCard = /(^|\.)(card|number)$/.test(decision.placeholder);
    substitutions.push({
      step: i + 1,
      field,
      page: where,
      placeholder: decision.placeholder,
      recorded: shown(step.value),
      by: decision.by,
    });
    // Values that identify a person or a card are also scrubbed where else they appear (a selector naming the email).
    if (step.value.trim().length >= 5 && !/^\d{1,6}$/.test(step.value.trim()))
      typed.set(step.value.trim(), `{{${decision.placeholder}}}`);
    return { ...step, value: `{{${decision.placeholder}}}` };
  });

  // Store URLs relative to store.baseUrl; card numbers, emails and typed values out of every other string.
  const prefixes = storePrefixes(recordedOrigin, ctx.baseUrl);
  const prefixPattern = prefixes.length
    ? new RegExp(`(?:${prefixes.map(escapeRegExp).join('|')})(?=[/?#"'\\s]|$)`, 'g')
    : undefined;
  const cardPlaceholder =
    paying.kind === 'local' && 'card' in LOCAL_TEST_VALUES[paying.method].success
      ? `{{${paying.method.toLowerCase()}.card}}`
      : '{{card.number}}';
  const counts = new Map<string, number>();
  const bump = (what: string, n = 1) => n && counts.set(what, (counts.get(what) ?? 0) + n);
  let relative = 0;
  const longestFirst = [...typed.entries()].sort((a, b) => b[0].length - a[0].length);
  const rewritten = mapStrings({ ...loaded.raw, steps: out }, (s, key) => {
    let text = s;
    if (prefixPattern) {
      text = text.replace(prefixPattern, () => {
        relative++;
        return '{{baseUrl}}';
      });
    }
    if (key === 'value' && /^\{\{[\w.]+\}\}$/.test(text)) return text;
    for (const [recorded, placeholder] of longestFirst) {
      if (!text.includes(recorded)) continue;
      const parts = text.split(recorded);
      bump(placeholder, parts.length - 1);
      text = parts.join(placeholder);
    }
    const cards = replaceCardNumbersIn(text, cardPlaceholder);
    bump(cardPlaceholder, cards.count);
    text = cards.text.replace(/[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, () => {
      bump('{{customer.email}}');
      return '{{customer.email}}';
    });
    return text;
  }) as Record<string, unknown>;

  // Slots: the recording's own tags win; otherwise inferred from where each page is; then the person's choices.
  const finalSteps = rewritten.steps as Step[];
  const slots = tagSlots(finalSteps, steps, pages, ctx);
  const flow = { ...rewritten, steps: finalSteps };
  validateFlow(flow, ctx.source);
  return {
    flow,
    storeOrigin: recordedOrigin,
    report: {
      substitutions,
      kept,
      scrubbed: [...counts.entries()].map(([placeholder, count]) => ({ placeholder, count })),
      relative: { origins: prefixes, count: relative },
      ...slots,
    },
  };
}

function tagSlots(
  steps: Step[],
  original: Step[],
  pages: RecordedPage[],
  ctx: RecordingContext,
): { slots: SlotTagged[]; missingSlots: string[] } {
  const tagged: SlotTagged[] = [];
  const urlAt = (i: number) => pages.find((p) => p.arrival <= i && i <= p.last)?.url ?? '';
  const own = steps.flatMap((s, i) => {
    const slot = (s.certkit as { slot?: string } | undefined)?.slot;
    return slot
      ? [{ step: i + 1, slot, url: urlAt(i), why: 'tagged in the recording', source: 'recording' as const }]
      : [];
  });
  if (own.length) tagged.push(...own);
  else {
    const { tags } = inferSlots(original, pages, ctx.slots);
    tagged.push(...tags.map((t) => ({ ...t, step: t.step + 1, source: 'inferred' as const })));
  }
  for (const [step, slot] of ctx.slotOverrides ?? []) {
    if (step < 1 || step > steps.length)
      throw new CertkitError(`--slot ${step}=${slot ?? 'none'}: the recording has ${steps.length} steps`, {
        hint: 'number steps from 1, as the import lists them',
      });
    if (slot !== null && !CATALOG.slots.has(slot))
      throw new CertkitError(`--slot ${step}=${slot}: "${slot}" is not a screenshot slot in the catalog`, {
        hint: `use one of ${ctx.slots.join(', ') || 'the slots `certkit catalog` lists'}, or "none" to untag the step`,
      });
    // A slot is filled by one step: setting it elsewhere moves it.
    for (let i = tagged.length - 1; i >= 0; i--)
      if (tagged[i].step === step || (slot !== null && tagged[i].slot === slot)) tagged.splice(i, 1);
    if (slot !== null) tagged.push({ step, slot, url: urlAt(step - 1), why: 'set with --slot', source: 'set' });
  }
  tagged.sort((a, b) => a.step - b.step);
  steps.forEach((s, i) => {
    const { slot: _old, ...rest } = (s.certkit ?? {}) as Record<string, unknown>;
    const slot = tagged.find((t) => t.step === i + 1)?.slot;
    const tag = slot ? { ...rest, slot } : rest;
    if (Object.keys(tag).length) s.certkit = tag;
    else delete s.certkit;
  });
  const missingSlots = ctx.slots.filter((s) => !tagged.some((t) => t.slot === s));
  return { slots: tagged, missingSlots };
}
