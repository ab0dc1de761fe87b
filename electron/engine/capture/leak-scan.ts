import type { CDPSession, HTTPResponse, Page, Protocol } from 'puppeteer-core';
import { speaksCdp } from '../browser/engine';
import type { LeakScan } from '../../../shared/schema/evidence';
import type { MerchantSecrets } from '../workspace/secrets';
import { createRedactor, type Redactor } from '../redact/index';
import type { Report } from '../util/best-effort';

type Secret = LeakScan['searched'][number];

/** One secret to look for, and where finding it is a leak. */
export interface LeakNeedle {
  secret: Secret;
  value: string;
  /**
   * The access code is a field of the paymentPage form APS requires the browser to post, so a page carrying it is
   * no leak; a script carrying it is code that builds requests in the browser.
   */
  scriptsOnly: boolean;
}

/** The needles a run searches for: the phrases everywhere, the access code in scripts. */
export function leakNeedles(secrets: Partial<MerchantSecrets> | undefined): LeakNeedle[] {
  const out: LeakNeedle[] = [];
  const add = (secret: Secret, value: string | undefined, scriptsOnly: boolean) => {
    // Short values would match by chance in any minified bundle.
    if (value && value.length >= 4) out.push({ secret, value, scriptsOnly });
  };
  add('request phrase', secrets?.requestPhrase, false);
  add('response phrase', secrets?.responsePhrase, false);
  add('access code', secrets?.accessCode, true);
  return out;
}

/** A phrase inside a JS string or JSON is written with its quotes and backslashes escaped. */
function spellings(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? [value] : [value, escaped];
}

const KINDS: Record<string, 'script' | 'page' | undefined> = { Script: 'script', Document: 'page' };

/**
 * Holds every script and document a page loads for a moment at the response stage (CDP Fetch), reads its body and
 * searches it in memory, then lets it through unchanged; nothing read is kept. Reading it there, before the page
 * sees it, is what makes the scan complete: a body read after the fact is gone once an auto-posting page moves on.
 * The result counts what was searched and names, for each hit, the URL (redacted) and the secret.
 */
export class LeakScanner {
  private readonly result: LeakScan;
  private readonly pending = new Set<Promise<void>>();
  private readonly redact: Redactor;

  constructor(
    private readonly needles: LeakNeedle[],
    private readonly report: Report,
  ) {
    this.result = { scripts: 0, pages: 0, unreadable: 0, searched: needles.map((n) => n.secret), hits: [] };
    this.redact = createRedactor(needles.map((n) => n.value));
  }

  get enabled(): boolean {
    return this.needles.length > 0;
  }

  async attach(page: Page): Promise<void> {
    if (!this.enabled) return;
    if (!speaksCdp(page.browser())) return this.attachDelivered(page);
    const session = await page.createCDPSession();
    session.on('Fetch.requestPaused', (event: Protocol.Fetch.RequestPausedEvent) => {
      const scan = this.onPaused(session, event).finally(() => this.pending.delete(scan));
      this.pending.add(scan);
    });
    await session.send('Fetch.enable', {
      patterns: Object.keys(KINDS).map((resourceType) => ({
        resourceType: resourceType as Protocol.Network.ResourceType,
        requestStage: 'Response' as const,
      })),
    });
  }

  /**
   * WebDriver BiDi (Firefox) cannot hold a response, so bodies are read once delivered; one the page dropped first
   * (an auto-posting page moves on at once) is counted as unreadable, never as clean.
   */
  private attachDelivered(page: Page): void {
    page.on('response', (response: HTTPResponse) => {
      // BiDi names no resource type; the content type says what the body is.
      const type = response.headers()['content-type'] ?? '';
      const kind = /javascript|ecmascript/i.test(type) ? 'script' : /text\/html/i.test(type) ? 'page' : undefined;
      const status = response.status();
      if (!kind || (status >= 300 && status < 400)) return;
      const scan = this.scanBody(() => response.text(), response.url(), kind).finally(() => this.pending.delete(scan));
      this.pending.add(scan);
    });
  }

  private async onPaused(session: CDPSession, event: Protocol.Fetch.RequestPausedEvent): Promise<void> {
    try {
      const kind = KINDS[event.resourceType];
      const status = event.responseStatusCode ?? 0;
      // A redirect or a failed load has no body of its own; the request a redirect leads to is scanned.
      if (kind && !event.responseErrorReason && !(status >= 300 && status < 400)) await this.scan(session, event, kind);
    } finally {
      // The page waits for this answer: it is sent whatever happened above (unless the page is gone).
      await session.send('Fetch.continueRequest', { requestId: event.requestId }).catch(() => undefined);
    }
  }

  private async scan(
    session: CDPSession,
    event: Protocol.Fetch.RequestPausedEvent,
    kind: 'script' | 'page',
  ): Promise<void> {
    await this.scanBody(
      async () => {
        const got = await session.send('Fetch.getResponseBody', { requestId: event.requestId });
        return got.base64Encoded ? Buffer.from(got.body, 'base64').toString('utf8') : got.body;
      },
      event.request.url,
      kind,
    );
  }

  private async scanBody(read: () => Promise<string>, rawUrl: string, kind: 'script' | 'page'): Promise<void> {
    let body: string;
    try {
      body = await read();
    } catch (err) {
      this.result.unreadable++;
      this.report(`reading ${kind} ${this.redact.url(rawUrl)} for the secret-leak scan`, err);
      return;
    }
    if (kind === 'script') this.result.scripts++;
    else this.result.pages++;
    for (const needle of this.needles) {
      if (needle.scriptsOnly && kind !== 'script') continue;
      if (spellings(needle.value).some((v) => body.includes(v))) {
        const url = this.redact.url(rawUrl);
        if (!this.result.hits.some((h) => h.url === url && h.secret === needle.secret))
          this.result.hits.push({ url, kind, secret: needle.secret });
      }
    }
  }

  /** What was scanned, once the bodies still being read are done (bounded: a page that is gone answers nothing). */
  async finish(timeoutMs = 2000): Promise<LeakScan | undefined> {
    if (!this.enabled) return undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((r) => (timer = setTimeout(r, timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return structuredClone(this.result);
  }
}
