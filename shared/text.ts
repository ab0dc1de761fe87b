/**
 * A sentence the engine says in both of the app's languages. English is what the CLI, the package, the report and
 * the email print (APS's reviewers work in English); Arabic is what the app shows an engineer reading Arabic. The
 * engine writes both where it composes the sentence, from one table per module, so the two never drift apart.
 * Identifiers (PURCHASE, return_url, scenario ids, URLs) stay as they are in both.
 */
export interface Bilingual {
  en: string;
  ar: string;
}

export function both(en: string, ar: string): Bilingual {
  return { en, ar };
}

/** The same text in both languages: a value that is not a sentence (an id, a URL, a number, a quoted message). */
export function verbatim(text: string): Bilingual {
  return { en: text, ar: text };
}

/** Arabic separates list items with its own comma and semicolon. */
const SEPARATORS = { '; ': '؛ ', ', ': '، ', ' ': ' ', '': '' } as const;

/** Parts joined in each language with the separator that language uses. */
export function joinBoth(parts: readonly Bilingual[], separator: keyof typeof SEPARATORS = '; '): Bilingual {
  return {
    en: parts.map((p) => p.en).join(separator),
    ar: parts.map((p) => p.ar).join(SEPARATORS[separator]),
  };
}

/** Pieces in order; a plain string is the same in both languages. */
export function concatBoth(...parts: (Bilingual | string | undefined)[]): Bilingual {
  const present = parts.filter((p) => p !== undefined);
  return {
    en: present.map((p) => (typeof p === 'string' ? p : p.en)).join(''),
    ar: present.map((p) => (typeof p === 'string' ? p : p.ar)).join(''),
  };
}

/**
 * Left-to-right mark. Arabic text that quotes a command or a header value ending in a quote (`--note "…"`, `user agent
 * "okhttp"`) puts it right after that quote: without it the closing quote belongs to the Arabic and is drawn apart from
 * what it closes. Outside the quote, so a copied command or value does not carry it.
 */
export const LRM = '\u200E';

const ARABIC_LETTER = /[\u0621-\u064A]/;

/** True when the text has Arabic words in it, not only identifiers copied from the English. */
export function readsArabic(text: string): boolean {
  return ARABIC_LETTER.test(text);
}
