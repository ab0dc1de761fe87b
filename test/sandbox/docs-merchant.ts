// A merchant written from APS's public documentation only (signature rule, form posts, JSON API), with none of
// Certkit's own code, so the simulator is checked against the docs rather than against itself.
import { createHash } from 'node:crypto';

export type Params = Record<string, string>;

/** sha256(phrase + sorted "k=v" of non-empty fields except signature + phrase), lowercase hex. */
export function docSign(fields: Record<string, unknown>, phrase: string, exclude: string[] = []): string {
  const skip = new Set(['signature', ...exclude]);
  const render = (v: unknown): string =>
    v && typeof v === 'object'
      ? `{${Object.entries(v as Record<string, unknown>)
          .map(([k, x]) => `${k}=${render(x)}`)
          .join(', ')}}`
      : String(v);
  const body = Object.keys(fields)
    .filter((k) => !skip.has(k) && fields[k] !== '' && fields[k] !== undefined && fields[k] !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${render(fields[k])}`)
    .join('');
  return createHash('sha256')
    .update(phrase + body + phrase, 'utf8')
    .digest('hex');
}

export const CARD_FIELDS = ['card_number', 'card_security_code', 'expiry_date', 'card_holder_name', 'remember_me'];

export interface Hop {
  status: number;
  location?: string;
  html: string;
  url: string;
}

/** One browser form POST, without following redirects (the test follows them itself to see each hop). */
export async function postForm(url: string, fields: Params): Promise<Hop> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  const loc = res.headers.get('location');
  return { status: res.status, location: loc ? new URL(loc, url).toString() : undefined, html: await res.text(), url };
}

export async function get(url: string): Promise<Hop> {
  const res = await fetch(url, { redirect: 'manual' });
  const loc = res.headers.get('location');
  return { status: res.status, location: loc ? new URL(loc, url).toString() : undefined, html: await res.text(), url };
}

function unescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The first form of a page: where it posts and its hidden fields (what a browser would submit on its own). */
export function formOf(html: string, baseUrl: string): { action: string; fields: Params } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error(`no form in page:\n${html.slice(0, 600)}`);
  const fields: Params = {};
  for (const m of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescape(m[1])] = unescape(m[2]);
  return { action: new URL(unescape(form[1]), baseUrl).toString(), fields };
}

export async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

let counter = 0;
export function uniqueRef(prefix = 'T'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`;
}
