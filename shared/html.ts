// HTML escaping, written once for every page, report, snippet, PDF text run and SVG header Certkit renders.
// The five entities below are also valid XML, so SVG text (the screenshot header) uses the same function: `&#39;` is
// a character reference, which XML accepts as well as `&apos;`.

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const DECODED: Record<string, string> = Object.fromEntries(Object.entries(HTML_ENTITIES).map(([c, e]) => [e, c]));

/** Text made safe for HTML (or XML) element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/** The inverse of escapeHtml, for reading back values Certkit's own pages wrote (not a general HTML decoder). */
export function unescapeHtml(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => DECODED[e]!);
}
