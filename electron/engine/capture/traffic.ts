import type { HTTPRequest, Page } from 'puppeteer-core';
import { PAYMENT_API_PATH, PAYMENT_PAGE_PATH } from '../../../shared/aps/endpoints';
import type { Exchange } from '../../../shared/schema/evidence';
import { createRedactor, type Redactor } from '../redact/index';
import { describeError } from '../errors';
import { parseBody } from './body';

export interface TrafficOptions {
  /** Hosts (name or name:port) whose requests are APS traffic. */
  apsHosts: string[];
  /** The merchant's return_url; POSTs to it carry APS's answer. */
  returnUrl?: string;
  secrets: string[];
  /** The flow step running now (-1 outside steps). */
  currentStep: () => number;
  /** Told when an exchange's request fields, then its answer, are known (a run judges APS's answer at once). */
  onUpdate?: (exchange: Exchange, phase: 'request' | 'response') => void;
}

/** host + path: a return_url configured as https may be delivered over http by a local TLS stand-in. */
function endpointOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch (err) {
    // Not an absolute URL: compared as written, so it matches only the same text.
    if (err instanceof TypeError) return url;
    throw err;
  }
}

export function exchangeKind(
  url: URL,
  method: string,
  isApsHost: boolean,
  isReturn: boolean,
): Exchange['kind'] | undefined {
  if (isReturn && method === 'POST') return 'return';
  if (!isApsHost) return undefined;
  if (url.pathname.endsWith(PAYMENT_PAGE_PATH)) return 'paymentPage';
  if (url.pathname.endsWith(PAYMENT_API_PATH)) return 'paymentApi';
  return 'other';
}

/**
 * Records APS traffic of every page it is attached to. Requests are kept in the order they started; each is
 * completed in place when its answer (or failure) arrives, so a scenario that dies mid-request still lists it.
 */
/**
 * A request's body. Chromium (CDP) hands small bodies over with the request; WebDriver BiDi (Firefox) never does and
 * refuses postData() outright, so there the body is always fetched from the browser's network data collector.
 */
function readBody(request: HTTPRequest): Promise<string | undefined> {
  let inline: string | undefined;
  try {
    inline = request.postData();
  } catch {
    // BiDi: postData() is unsupported; fetchPostData below asks the browser for the body instead.
  }
  if (inline !== undefined || !request.hasPostData()) return Promise.resolve(inline);
  return request.fetchPostData();
}

export class TrafficRecorder {
  readonly exchanges: Exchange[] = [];
  private readonly hosts: Set<string>;
  private readonly pending = new Map<HTTPRequest, { exchange: Exchange; started: number }>();
  private readonly redact: Redactor;
  private seq = 0;

  constructor(private readonly options: TrafficOptions) {
    this.hosts = new Set(options.apsHosts.map((h) => h.toLowerCase()));
    this.redact = createRedactor(options.secrets);
  }

  private isApsHost(url: URL): boolean {
    return this.hosts.has(url.host.toLowerCase()) || this.hosts.has(url.hostname.toLowerCase());
  }

  isReturn(url: string): boolean {
    const target = this.options.returnUrl;
    return !!target && endpointOf(url) === endpointOf(target);
  }

  isApsUrl(url: string): boolean {
    try {
      return this.isApsHost(new URL(url));
    } catch (err) {
      if (err instanceof TypeError) return false;
      throw err;
    }
  }

  /**
   * Without a return_url in the workspace, APS's answer is still recognised: a form posted by the browser to a page
   * off APS's hosts that carries a response_code and a merchant_reference.
   */
  private async looksLikeReturn(request: HTTPRequest, isApsHost: boolean): Promise<boolean> {
    if (this.options.returnUrl || isApsHost || request.method() !== 'POST' || !request.isNavigationRequest())
      return false;
    const headers = request.headers();
    const fields = parseBody(await readBody(request).catch(() => undefined), headers['content-type']);
    return typeof fields.response_code === 'string' && typeof fields.merchant_reference === 'string';
  }

  attach(page: Page, popup: boolean): void {
    page.on('request', (request) => void this.onRequest(page, request, popup));
    page.on('requestfinished', (request) => void this.onFinished(request));
    page.on('requestfailed', (request) => this.onFailed(request));
  }

  private async onRequest(page: Page, request: HTTPRequest, popup: boolean): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url());
    } catch (err) {
      // Chromium hands over absolute URLs; one that does not parse cannot be APS traffic either.
      if (err instanceof TypeError) return;
      throw err;
    }
    const method = request.method();
    const aps = this.isApsHost(url);
    const kind =
      exchangeKind(url, method, aps, this.isReturn(request.url())) ??
      ((await this.looksLikeReturn(request, aps)) ? 'return' : undefined);
    if (!kind) return;
    const headers = request.headers();
    const contentType = headers['content-type'];
    const exchange: Exchange = {
      id: `x${++this.seq}`,
      kind,
      method,
      url: this.redact.url(request.url()),
      requestContentType: contentType,
      requestFields: {},
      startedAt: new Date().toISOString(),
      step: this.options.currentStep(),
      frame: request.frame() && request.frame() !== page.mainFrame() ? 'iframe' : 'top',
      popup,
      observedBy: 'browser',
    };
    this.exchanges.push(exchange);
    this.pending.set(request, { exchange, started: performance.now() });
    let body: string | undefined;
    try {
      body = await readBody(request);
    } catch (err) {
      // The page moved on before the browser handed over a large body: the exchange stays listed, saying so.
      exchange.requestFields = { _error: `request body not readable: ${describeError(err)}` };
      return;
    }
    exchange.requestFields = this.redact.fields(parseBody(body, contentType));
    this.options.onUpdate?.(exchange, 'request');
  }

  private async onFinished(request: HTTPRequest): Promise<void> {
    const entry = this.pending.get(request);
    if (!entry) return;
    this.pending.delete(request);
    const { exchange } = entry;
    exchange.durationMs = Math.round(performance.now() - entry.started);
    const response = request.response();
    if (!response) return;
    exchange.responseStatus = response.status();
    const headers = response.headers();
    exchange.responseContentType = headers['content-type'];
    if (headers.location) exchange.redirectedTo = this.redact.url(new URL(headers.location, request.url()).toString());
    if (exchange.kind === 'paymentApi' && (headers['content-type'] ?? '').includes('json')) {
      let text: string;
      try {
        text = await response.text();
      } catch (err) {
        // Chromium drops a body once its page navigates away; the exchange says so rather than looking empty.
        exchange.responseFields = { _error: `response body not readable: ${describeError(err)}` };
        return;
      }
      if (text) exchange.responseFields = this.redact.fields(parseBody(text, headers['content-type']));
    }
    this.options.onUpdate?.(exchange, 'response');
  }

  private onFailed(request: HTTPRequest): void {
    const entry = this.pending.get(request);
    if (!entry) return;
    this.pending.delete(request);
    entry.exchange.durationMs = Math.round(performance.now() - entry.started);
    entry.exchange.responseFields = { _error: request.failure()?.errorText ?? 'failed' };
  }

  /** Waits briefly for answers still in flight, so the last return POST is complete before the ledger is read. */
  async settle(timeoutMs = 2000): Promise<void> {
    const start = Date.now();
    while (this.pending.size && Date.now() - start < timeoutMs) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
