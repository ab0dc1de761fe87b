// Card numbers, the one place that knows what they look like: the simulator's validation, the recorder, the packager,
// the email and the flow importer all ask here, so a number masked in one output is masked the same way in every other.

/** Card numbers (PANs) run from 12 to 19 digits (ISO/IEC 7812). */
export const PAN_MIN_DIGITS = 12;
export const PAN_MAX_DIGITS = 19;

/** Shown in clear when a number is masked, as APS masks them: the first 6 (the BIN) and the last 4. */
const SHOWN_FIRST = 6;
const SHOWN_LAST = 4;

/** The Luhn checksum; false for anything that is not all digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Digits of a number as people type it: spaces and dashes between the groups go. */
export function panDigits(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** A number a card network could have issued: 12 to 19 digits, nothing else, passing Luhn. */
export function isPan(digits: string): boolean {
  return digits.length >= PAN_MIN_DIGITS && digits.length <= PAN_MAX_DIGITS && luhnValid(digits);
}

/**
 * A card number as Certkit records and prints it: first 6, stars, last 4. Spaces and dashes are dropped first. Fewer
 * than PAN_MIN_DIGITS digits (or anything not digits) becomes stars throughout, since 6 + 4 of a shorter number
 * would show nearly all of it.
 */
export function maskPan(value: string): string {
  const digits = panDigits(value);
  if (digits.length < PAN_MIN_DIGITS || !/^\d+$/.test(digits)) return '*'.repeat(digits.length);
  return `${digits.slice(0, SHOWN_FIRST)}${'*'.repeat(digits.length - SHOWN_FIRST - SHOWN_LAST)}${digits.slice(-SHOWN_LAST)}`;
}

/** A value already masked the APS way (a few digits around stars), so masking it again would only lose digits. */
export function isMaskedPan(value: string): boolean {
  return /^\d{0,6}[*xX•]{2,}\d{0,4}$/.test(panDigits(value));
}

// In free text (page text, URLs, notes) a card number is a run of 13 to 19 digits, grouped by single spaces or dashes
// as forms print them, that starts like a card network's range (2-6: Mastercard, Amex/JCB/Diners, Visa and mada,
// Discover/UnionPay) and passes Luhn. Twelve-digit runs and other leading digits are left alone: KNET reference
// numbers, fort_ids (they start with 1) and phone numbers are that shape and the reviewer needs them. A run glued to
// letters is part of a word, not a number: hex signatures and hashes hold long digit runs that pass Luhn by chance
// (about one SHA-256 signature in 300), and masking one would make a correct signature look wrong.
const CARD_RUN = /(?<![0-9A-Za-z])[0-9](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z])/g;

/** Whether a digit run (as found in text) reads as a card number by the free-text rule above. */
export function looksLikeCardNumber(run: string): boolean {
  const digits = panDigits(run);
  return /^[2-6]\d{12,18}$/.test(digits) && luhnValid(digits);
}

/** Masks every card number in free text; `keep` lists digit strings that must stay readable (ledger identifiers). */
export function maskCardNumbersIn(text: string, keep: ReadonlySet<string> = new Set()): string {
  return text.replace(CARD_RUN, (run) => {
    if (keep.has(run) || keep.has(panDigits(run)) || !looksLikeCardNumber(run)) return run;
    return maskPan(run);
  });
}

/** Replaces every card number in free text (by the same rule) with `replacement`; returns the text and how many. */
export function replaceCardNumbersIn(text: string, replacement: string): { text: string; count: number } {
  let count = 0;
  const out = text.replace(CARD_RUN, (run) => {
    if (!looksLikeCardNumber(run)) return run;
    count++;
    return replacement;
  });
  return { text: out, count };
}
