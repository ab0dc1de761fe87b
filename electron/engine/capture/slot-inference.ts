import { CATALOG } from '../../../shared/aps/catalog-index';
import { stepLabel } from './step-label';
import type { RecordedPage } from './recording-pages';

/** A screenshot slot put on a step of an imported recording: the page shown once that step is done fills it. */
export interface InferredSlot {
  /** 0-based step index. */
  step: number;
  slot: string;
  /** The page as the recording saw it. */
  url: string;
  /** Why this page, in a few words, for the person reviewing the import. */
  why: string;
}

type Phase = 'before' | 'away' | 'after';

/** Where in a payment each kind of slot is: the store before APS, APS's and the method's pages, the store after. */
const PHASE: Record<string, Phase> = {
  pre_checkout: 'before',
  checkout: 'before',
  three_ds: 'away',
  payment_page: 'away',
  payment_flow: 'away',
  otp: 'away',
  confirmation: 'away',
  result: 'after',
  receipt: 'after',
  return: 'after',
};

/** Words in a page's URL or title that say which away page it is. */
const AWAY_HINT: Record<string, RegExp> = {
  three_ds: /3ds|3-d|three-?d|acs|challenge|authenticat/i,
  otp: /otp|one.?time/i,
  confirmation: /confirm/i,
};

/** A click that puts something in the basket: the page it is on is the product (pre-checkout) page. */
const BUY = /add to|buy|order now|purchase|shop now|أضف|اشتر/i;

const suffix = (slot: string) => slot.slice(slot.indexOf('.') + 1);

/**
 * Slots for the pages of a recording, from where each page is: store pages before APS (pre-checkout, checkout), the
 * pages away from the store in the catalog's order (payment page, 3-D Secure, OTP, confirmation), and the first store
 * page after the return (result, receipt). Slots it cannot place (save card, recurring consent) are listed missing.
 */
export function inferSlots(
  steps: Record<string, unknown>[],
  pages: RecordedPage[],
  slots: string[],
): { tags: InferredSlot[]; missing: string[] } {
  const tags: InferredSlot[] = [];
  const missing: string[] = [];
  const pageSlots = slots.filter((s) => CATALOG.slots.find(s)?.kind === 'page');
  const leave = pages.findIndex((p, i) => p.zone === 'away' && i > 0 && pages[i - 1].zone === 'store');
  const back = leave < 0 ? -1 : pages.findIndex((p, i) => i > leave && p.zone === 'store');
  const before = pages.slice(0, leave < 0 ? pages.length : leave).filter((p) => p.zone === 'store');
  const away = leave < 0 ? [] : pages.slice(leave, back < 0 ? pages.length : back);
  // One slot per step: a second slot for the same step is left for the person to place.
  const put = (slot: string, step: number, page: RecordedPage, why: string) => {
    if (tags.some((t) => t.step === step)) missing.push(slot);
    else tags.push({ step, slot, url: page.url, why });
  };

  // Checkout: the last store page before APS where the shopper typed or picked something, shot filled in.
  const checkoutIndex = before.findLastIndex((p) => p.input);
  const checkout = checkoutIndex >= 0 ? before[checkoutIndex] : before.at(-1);
  let awayCursor = 0;
  for (const slot of pageSlots) {
    const kind = suffix(slot);
    const phase = PHASE[kind];
    if (phase === 'before' && kind === 'checkout' && checkout) {
      // A recording that never saw the page change after checkout ends with its pay click: shoot before that click.
      const step = checkout === pages.at(-1) && checkout.last > checkout.arrival ? checkout.last - 1 : checkout.last;
      put(slot, step, checkout, 'the last store page before APS, with the form filled in');
    } else if (phase === 'before' && kind === 'pre_checkout' && checkout) {
      const upTo = before.indexOf(checkout);
      const candidates = before.slice(0, upTo);
      const product = candidates.find((p) => {
        const next = steps[p.last + 1];
        return next && BUY.test(stepLabel(next) + JSON.stringify(next.selectors ?? ''));
      });
      const page = product ?? candidates[0];
      if (page)
        put(
          slot,
          page.last,
          page,
          product ? 'the store page the product was put in the basket from' : 'the first store page',
        );
      else missing.push(slot);
    } else if (phase === 'away' && away.length) {
      const rest = away.slice(awayCursor);
      let page = AWAY_HINT[kind] ? rest.find((p) => AWAY_HINT[kind].test(`${p.url} ${p.title}`)) : undefined;
      let why = page ? `the page away from the store whose address or title names it (${kind.replace('_', ' ')})` : '';
      if (!page && kind === 'three_ds') {
        // Hosted checkout: APS's card form comes first; the challenge is the page after it.
        const form = rest.findIndex((p) => p.input);
        page = form >= 0 ? rest[form + 1] : undefined;
        why = 'the page after the card form';
      }
      if (!page && kind !== 'three_ds') {
        page = rest[0];
        why = awayCursor === 0 ? 'the first page away from the store (APS)' : 'the next page away from the store';
      }
      if (!page) {
        missing.push(slot);
        continue;
      }
      awayCursor = away.indexOf(page) + 1;
      put(slot, page.arrival, page, why);
    } else if (phase === 'after') {
      const page = back >= 0 ? pages[back] : pages.at(-1);
      if (!page) missing.push(slot);
      else if (back >= 0) put(slot, page.arrival, page, 'the first store page after APS');
      else put(slot, steps.length - 1, page, 'the page the flow ends on, once the return from APS has loaded');
    } else {
      missing.push(slot);
    }
  }
  return { tags, missing };
}
