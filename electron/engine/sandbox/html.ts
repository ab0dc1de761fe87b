import { escapeHtml, unescapeHtml } from '../../../shared/html';
import type { Fields } from './http';
import type { Language } from '../../../shared/aps/methods';

/** escapeHtml for any value the pages print (numbers, missing values as ''). */
export function esc(value: unknown): string {
  return escapeHtml(String(value ?? ''));
}

export function hiddenInputs(fields: Fields): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n');
}

/** Reads back the fields hiddenInputs wrote (the simulator's auto-posting answer pages). */
export function readHiddenInputs(html: string): Fields {
  const fields: Fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  return fields;
}

export interface PageOptions {
  title: string;
  lang: Language;
  body: string;
  css?: string;
  head?: string;
}

export function page(o: PageOptions): string {
  const dir = o.lang === 'ar' ? 'rtl' : 'ltr';
  return `<!doctype html>
<html lang="${o.lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<style>${o.css ?? ''}</style>
${o.head ?? ''}
</head>
<body>
${o.body}
</body>
</html>`;
}

/**
 * A form that posts itself as soon as the page is parsed: how APS hands results back to return_url, and how the
 * store hands a signed request to paymentPage. The button is the fallback when scripts are off.
 */
export function autoPostPage(
  action: string,
  fields: Fields,
  opts: { lang: Language; title: string; note: string; testid: string; target?: string },
): string {
  return page({
    title: opts.title,
    lang: opts.lang,
    css: 'body{font-family:"Noto Sans","Noto Sans Arabic",sans-serif;margin:40px;color:#333}',
    body: `<p>${esc(opts.note)}</p>
<form method="post" action="${esc(action)}" data-testid="${esc(opts.testid)}" id="autopost"${opts.target ? ` target="${esc(opts.target)}"` : ''}>
${hiddenInputs(fields)}
<noscript><button type="submit" data-testid="${esc(opts.testid)}-submit">Continue</button></noscript>
</form>
<script>document.getElementById('autopost').submit();</script>`,
  });
}
