import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost, splitHostPort } from '../../../shared/loopback';

/** The renderer's CSP, shared with Electron's: only our own files, images from data: URLs, nothing remote. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response timing. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/**
 * Only loopback names are accepted as Host, which defeats DNS-rebinding pages: their Host is the attacker's name,
 * even when it resolves to 127.0.0.1.
 */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  const parts = hostHeader ? splitHostPort(hostHeader) : undefined;
  return !!parts && parts.port === port && isLoopbackHost(parts.host);
}

/**
 * An Origin header is ours only when it is exactly the host's own origin: http (not https or anything else), a
 * loopback name, our port, and nothing after it. A missing header is a same-origin GET or a non-browser client,
 * which the token already covers; the string "null" (sandboxed frames, file pages) is refused.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const m = /^http:\/\/([^/?#@]+)$/.exec(origin);
  return !!m && hostAllowed(m[1], port);
}
