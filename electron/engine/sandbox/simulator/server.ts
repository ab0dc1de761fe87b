import http from 'node:http';
import https from 'node:https';
import { EventEmitter } from 'node:events';
import { randomBytes, randomInt } from 'node:crypto';
import {
  FEEDBACK_DELIVERY,
  MESSAGE_TEXT,
  PAYMENT_API_PATH,
  PAYMENT_PAGE_PATH,
  PAYMENT_METHODS,
  SIMULATOR_3DS_PASSWORD,
  methodFromRequest,
  requestIdOf,
  testCardByNumber,
} from '../../../../shared/aps/catalog';
import { isPan, maskPan } from '../../../../shared/card';
import { isLoopbackHost } from '../../../../shared/loopback';
import type { ApsParams } from '../../aps/signature';
import { responseSignature } from '../sign';
import { autoPostPage } from '../html';
import {
  clientAddress,
  closeServer,
  guard,
  listen,
  parseForm,
  readBody,
  seeOther,
  sendHtml,
  sendJson,
  sendText,
  serverOptions,
  type Fields,
  type ServerTimeouts,
} from '../http';
import { handleApi } from './api';
import { resolveSimulatorConfig, type LocalMethodId, type SimulatorConfig } from './config';
import { ExchangeLog, type ExchangeFilter, type SimExchange } from './exchange-log';
import { BoundedMap, type Bound } from '../bounded';
import { FeedbackSender } from './feedback';
import { localizedMessage, t, type Lang } from './i18n';
import { LPM_STEPS, lpmApproved } from './lpm';
import { issuerLogoSvg, issuerTermsHtml } from './installments';
import { recordPayment } from './orders';
import { cardPage, lpmConfirmPage, lpmStepPage, refusedPage, threeDsPage, type Summary } from './pages';
import { standardStep, standardTokenization } from './standard-checkout';
import { SimulatorState, savedCardInfo, type CardInfo } from './state';

export type { CardInfo };
import {
  cardBrand,
  checkCitRules,
  checkPayment,
  checkRequest,
  checkVisaAmount,
  expiryProblem,
  mmyyToYymm,
  refusal,
  type ApsRefusal,
  type Credentials,
} from './validate';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  config?: Partial<SimulatorConfig>;
  persistFile?: string;
  feedbackRetry?: { tries: number; intervalMs: number };
  /** Serve https with this key and certificate (PEM); without it the simulator speaks plain http. */
  tls?: { key: string; cert: string };
  /** How long a client may take to send its headers and its whole request (defaults: SERVER_LIMITS). */
  timeouts?: Partial<ServerTimeouts>;
}

/**
 * A customer's visit to the simulator's pages: hosted checkout, the standard checkout's card form (in the merchant's
 * iframe), or the 3DS step of an API purchase.
 */
export interface Session {
  sid: string;
  kind: 'hosted' | 'standard' | 'api3ds';
  request: ApsParams;
  lang: Lang;
  returnUrl: string;
  fortId: string;
  method?: LocalMethodId;
  lpmStep: number;
  lpmInputs: Record<string, string>;
  lpmApproved?: boolean;
  card?: CardInfo;
  plan?: number;
  finished: boolean;
}

const LOCAL_METHODS: LocalMethodId[] = ['KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY'];

function digits(n: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < n) out += String(randomInt(0, 10));
  return out;
}

export class Simulator {
  readonly events = new EventEmitter();
  readonly log: ExchangeLog;
  readonly state: SimulatorState;
  readonly feedback: FeedbackSender;
  /** Payment page visits; they expire with the retention window (an old link answers "expired"). */
  readonly sessions = new BoundedMap<string, Session>(() => this.sessionBound());
  /** GENERATE_OTP requests by merchant_reference, for the STC Pay purchase that follows. */
  readonly otpRequests = new BoundedMap<string, { phone: string; amount: string; currency: string }>(() =>
    this.sessionBound(),
  );
  /** return_url of the TOKENIZATION that made each token: where a later 3-D Secure purchase sends the customer. */
  readonly tokenReturnUrls = new BoundedMap<string, string>(() => ({ count: this.config.retention.orders }));
  config: SimulatorConfig;
  origin = '';
  private server?: http.Server;
  private readonly tls?: { key: string; cert: string };
  private readonly timeouts?: Partial<ServerTimeouts>;

  constructor(options: SimulatorOptions = {}) {
    this.tls = options.tls;
    this.timeouts = options.timeouts;
    this.config = resolveSimulatorConfig(options.config);
    this.state = new SimulatorState(options.persistFile, () => ({ count: this.config.retention.orders }));
    this.log = new ExchangeLog(
      () => this.secrets(),
      () => ({ count: this.config.retention.exchanges, ageMs: this.config.retention.minutes * 60_000 }),
    );
    this.log.on('exchange', (e: SimExchange) => this.events.emit('exchange', e));
    this.feedback = new FeedbackSender(this.log, options.feedbackRetry ?? FEEDBACK_DELIVERY);
    this.feedback.on('feedback', (e) => this.events.emit('feedback', e));
  }

  private sessionBound(): Bound {
    return { count: this.config.retention.sessions, ageMs: this.config.retention.minutes * 60_000 };
  }

  secrets(): string[] {
    const c = this.config;
    return [
      c.access_code,
      c.sha_request_phrase,
      c.sha_response_phrase,
      c.apple_access_code,
      c.apple_sha_request_phrase,
      c.apple_sha_response_phrase,
    ];
  }

  async start(host: string, port: number): Promise<void> {
    const handler = guard((req, res) => this.route(req, res));
    const limits = serverOptions(this.timeouts);
    this.server = this.tls
      ? https.createServer({ ...this.tls, ...limits }, handler)
      : http.createServer(limits, handler);
    const bound = await listen(this.server, host, port);
    this.origin = `${this.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  }

  async close(): Promise<void> {
    this.feedback.close();
    if (this.server) await closeServer(this.server);
    await this.state.flush();
  }

  credentials(apple: boolean): Credentials {
    const c = this.config;
    return apple
      ? {
          merchant_identifier: c.merchant_identifier,
          access_code: c.apple_access_code,
          phrase: c.apple_sha_request_phrase,
          sha_type: c.apple_sha_type,
        }
      : {
          merchant_identifier: c.merchant_identifier,
          access_code: c.access_code,
          phrase: c.sha_request_phrase,
          sha_type: c.sha_type,
        };
  }

  /** Signs a response with the response phrase (Apple Pay's own when the request was Apple Pay). */
  signResponse(fields: ApsParams, apple = false): ApsParams {
    const c = this.config;
    const signature = apple
      ? responseSignature(fields, c.apple_sha_response_phrase, c.apple_sha_type)
      : responseSignature(fields, c.sha_response_phrase, c.sha_type);
    return { ...fields, signature };
  }

  /** The request as APS echoes it: no signature, no CVV, card masked, no empty values. */
  echo(request: ApsParams): ApsParams {
    const out: ApsParams = {};
    for (const [k, v] of Object.entries(request)) {
      if (k === 'signature' || k === 'card_security_code' || v === undefined || v === null || v === '') continue;
      out[k] = k === 'card_number' && typeof v === 'string' ? maskPan(v) : v;
    }
    return out;
  }

  feedbackTarget(kind: 'direct' | 'notification', apple = false) {
    const c = this.config;
    return {
      url: kind === 'direct' ? c.direct_feedback_url : c.notification_feedback_url,
      format: c.feedback_format,
      phrase: apple ? c.apple_sha_response_phrase : c.sha_response_phrase,
      shaType: apple ? c.apple_sha_type : c.sha_type,
    };
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === PAYMENT_PAGE_PATH && req.method === 'POST') return this.paymentPage(req, res);
    if (url.pathname === PAYMENT_API_PATH && req.method === 'POST') return handleApi(this, req, res);
    if (url.pathname === '/__certkit/exchanges' && req.method === 'GET') return this.exchangeLog(res, url);
    if (url.pathname === '/__certkit/stats' && req.method === 'GET') return this.statsAnswer(res, url);
    if (url.pathname === '/__certkit/health') return sendJson(res, 200, { ok: true });
    if (parts[0] === '__certkit' && parts[1] === 'issuers' && parts.length === 4)
      return this.issuerFile(res, parts[2], parts[3], url);
    if (parts[0] === 'FortAPI' && parts.length >= 3) {
      const session = this.sessions.get(parts[2]);
      if (!session) return sendText(res, 404, 'This payment session does not exist or has expired.');
      if (session.finished) return sendText(res, 410, 'This payment session is already complete.');
      if (parts[1] === 'pay') return this.cardStep(req, res, session);
      if (parts[1] === 'merchantPage' && session.kind === 'standard') return standardStep(this, req, res, session);
      if (parts[1] === '3ds') return this.threeDsStep(req, res, session);
      if (parts[1] === 'lpm' && parts[3]) return this.lpmStep(req, res, session, parts[3]);
    }
    sendText(res, 404, `No route ${req.method} ${url.pathname} on the APS sandbox simulator.`);
  }

  /**
   * GET /__certkit/exchanges?since=SEQ[&merchant_reference=A,B][&fort_id=F][&limit=N]: the log after SEQ, only the
   * entries naming one of the references or fort ids when those are given, with the newest seq ever logged and the
   * oldest still kept (a reader whose SEQ is below it has lost entries to the retention setting).
   */
  private exchangeLog(res: http.ServerResponse, url: URL): void {
    const q = parseLogQuery(url.searchParams);
    if ('error' in q) return sendJson(res, 400, { error: q.error });
    sendJson(res, 200, {
      exchanges: this.log.since(q.since, q.filter, q.limit),
      lastSeq: this.log.lastSeq,
      oldestSeq: this.log.oldestSeq,
    });
  }

  /**
   * GET /__certkit/stats[?gc=1]. With gc=1 a full collection runs first, so heapUsedBytes is what the simulator really
   * keeps (the soak bench's measure); that needs node started with --expose-gc, and says so when it was not.
   */
  private statsAnswer(res: http.ServerResponse, url: URL): void {
    for (const [key, value] of url.searchParams)
      if (key !== 'gc' || value !== '1')
        return sendJson(res, 400, { error: `unknown parameter ${key.slice(0, 40)}; the only one is gc=1` });
    if (url.searchParams.has('gc')) {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc)
        return sendJson(res, 409, {
          error: 'gc=1 needs the simulator started with node --expose-gc (e.g. node --expose-gc certkit.mjs sandbox)',
        });
      gc();
    }
    sendJson(res, 200, { ...this.stats(), afterGc: url.searchParams.has('gc') });
  }

  /** What the simulator holds and how its feedback delivery is doing (the soak bench reads it). */
  stats() {
    const mem = process.memoryUsage();
    return {
      exchanges: { kept: this.log.size, lastSeq: this.log.lastSeq, oldestSeq: this.log.oldestSeq },
      sessions: this.sessions.size,
      transactions: this.state.transactions.size,
      tokens: this.state.tokens.size,
      agreements: this.state.agreements.size,
      feedback: this.feedback.stats(),
      retention: this.config.retention,
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  }

  /** The logo and terms page that installment_detail links to. */
  private issuerFile(res: http.ServerResponse, code: string, file: string, url: URL): void {
    if (file === 'logo.svg') {
      const svg = issuerLogoSvg(code);
      if (svg) return sendText(res, 200, svg, { 'content-type': 'image/svg+xml' });
    } else if (file === 'terms') {
      const html = issuerTermsHtml(code, url.searchParams.get('lang') === 'ar' ? 'ar' : 'en');
      if (html) return sendHtml(res, 200, html);
    }
    sendText(res, 404, `No issuer file ${code}/${file}.`);
  }

  /**
   * Where the browser is sent with the result. A plain-http simulator delivers an https return_url on loopback over
   * http (its merchants have no TLS either); with --https it is delivered as given.
   */
  deliveryUrl(returnUrl: string): string | null {
    let u: URL;
    try {
      u = new URL(returnUrl);
    } catch (err) {
      // Not a URL: the caller answers that nothing can be delivered there.
      if (err instanceof TypeError) return null;
      throw err;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (!this.tls && u.protocol === 'https:' && isLoopbackHost(u.hostname)) u.protocol = 'http:';
    return u.toString();
  }

  /** Answers with the auto-posted result form and records what went back. */
  deliver(res: http.ServerResponse, returnUrl: string, fields: ApsParams, lang: Lang): void {
    const target = this.deliveryUrl(returnUrl)!;
    const form: Fields = {};
    for (const [k, v] of Object.entries(fields))
      if (v !== undefined && v !== null && v !== '') form[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    this.log.add({
      kind: 'return',
      method: 'POST',
      url: returnUrl,
      requestContentType: 'application/x-www-form-urlencoded',
      requestFields: form,
      startedAt: new Date().toISOString(),
    });
    sendHtml(
      res,
      200,
      autoPostPage(target, form, { lang, title: t(lang).brand, note: t(lang).returning, testid: 'return-form' }),
    );
  }

  /** A refused request goes back to return_url when there is a usable one, else APS shows its own error page. */
  refuse(res: http.ServerResponse, request: ApsParams, r: ApsRefusal, lang: Lang): void {
    const returnUrl = typeof request.return_url === 'string' ? request.return_url : '';
    const fields: ApsParams = {
      ...this.echo(request),
      response_code: r.response_code,
      response_message: r.response_message,
      status: r.status,
    };
    const signed = r.status !== '00' || this.config.signInvalidRequests ? this.signResponse(fields) : fields;
    if (returnUrl && this.deliveryUrl(returnUrl) && r.response_code !== '00037')
      return this.deliver(res, returnUrl, signed, lang);
    sendHtml(res, 200, refusedPage({ lang, code: r.response_code, message: r.response_message }));
  }

  private async paymentPage(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = new Date();
    const body = await readBody(req);
    const fields = parseForm(body);
    const lang: Lang = fields.language === 'ar' ? 'ar' : 'en';
    const record = (status: number, redirectedTo?: string) =>
      this.log.add({
        kind: 'paymentPage',
        method: 'POST',
        url: this.origin + PAYMENT_PAGE_PATH,
        requestContentType: String(req.headers['content-type'] ?? ''),
        requestFields: fields,
        responseStatus: status,
        redirectedTo,
        startedAt: started.toISOString(),
        durationMs: Date.now() - started.getTime(),
        remoteAddress: clientAddress(req),
      });
    if (fields.service_command === 'TOKENIZATION') {
      if (requestIdOf(fields, 'paymentPage') === 'standard_tokenization') {
        const next = standardTokenization(this, res, fields, lang);
        record(next ? 303 : 200, next && this.origin + next);
        return;
      }
      record(200);
      return this.tokenization(res, fields, lang);
    }
    const problem = this.checkHosted(fields);
    if (problem) {
      record(200);
      return this.refuse(res, fields, problem, lang);
    }
    this.state.references.add(fields.merchant_reference);
    void this.state.save();
    const method = methodFromRequest(fields);
    const session: Session = {
      sid: randomBytes(12).toString('hex'),
      kind: 'hosted',
      request: fields,
      lang,
      returnUrl: fields.return_url,
      fortId: this.state.newFortId(),
      lpmStep: 0,
      lpmInputs: {},
      finished: false,
      method: method && (LOCAL_METHODS as string[]).includes(method) ? (method as LocalMethodId) : undefined,
    };
    this.sessions.set(session.sid, session);
    const next = session.method ? `/FortAPI/lpm/${session.sid}/0` : `/FortAPI/pay/${session.sid}`;
    record(303, this.origin + next);
    seeOther(res, next);
  }

  private checkHosted(fields: Fields): ApsRefusal | null {
    if (!fields.command) return refusal('001', 'command');
    const base = checkRequest(fields, 'hosted', this.credentials(false));
    if (base) return base;
    const payment = checkPayment(fields);
    if (payment) return payment;
    if (fields.digital_wallet === 'APPLE_PAY')
      return refusal('003', 'Apple Pay is paid through paymentApi, not the hosted page');
    if (!fields.return_url) return refusal('037');
    if (!this.deliveryUrl(fields.return_url)) return refusal('002', 'return_url');
    if (this.state.references.has(fields.merchant_reference)) return refusal('066');
    return checkCitRules(fields, (id) => this.agreementIdTaken(id));
  }

  agreementIdTaken(id: string): boolean {
    for (const a of this.state.agreements.values()) if (a.agreement_id === id || a.requested_id === id) return true;
    return false;
  }

  private tokenization(res: http.ServerResponse, fields: Fields, lang: Lang): void {
    const base = checkRequest(fields, 'tokenization', this.credentials(false));
    if (base) return this.refuse(res, fields, base, lang);
    if (!fields.return_url || !this.deliveryUrl(fields.return_url))
      return this.refuse(res, fields, refusal('037'), lang);
    let card: CardInfo;
    if (fields.token_name && !fields.card_number) {
      const saved = this.state.tokens.get(fields.token_name);
      if (!saved || saved.status !== 'ACTIVE') return this.refuse(res, fields, refusal('044', undefined, '17'), lang);
      if (
        fields.card_security_code &&
        this.state.tokenCvv.has(saved.token_name) &&
        this.state.tokenCvv.get(saved.token_name) !== fields.card_security_code
      ) {
        return this.refuse(res, fields, refusal('666', 'security code', '17'), lang);
      }
      card = savedCardInfo(saved);
    } else {
      const missing = ['card_number', 'expiry_date', 'card_security_code'].filter((k) => !fields[k]);
      if (missing.length) return this.refuse(res, fields, refusal('001', missing.join(', ')), lang);
      const number = fields.card_number.replace(/\s/g, '');
      if (!isPan(number)) return this.refuse(res, fields, refusal('016', undefined, '17'), lang);
      const exp = expiryProblem(fields.expiry_date);
      if (exp) return this.refuse(res, fields, refusal(exp, undefined, '17'), lang);
      const known = testCardByNumber(number);
      const brand = known?.brand ?? cardBrand(number);
      if (!/^\d+$/.test(fields.card_security_code) || fields.card_security_code.length !== (brand === 'AMEX' ? 4 : 3)) {
        return this.refuse(res, fields, refusal('002', 'card_security_code', '17'), lang);
      }
      card = this.saveCard(
        number,
        fields.expiry_date,
        fields.card_holder_name,
        fields.token_name,
        fields.card_security_code,
      );
    }
    this.deliverToken(res, fields, card, lang, {});
  }

  /** The 18000 answer of a tokenization (custom form or standard checkout), delivered to its return_url. */
  deliverToken(res: http.ServerResponse, request: Fields, card: CardInfo, lang: Lang, extra: ApsParams): void {
    const out: ApsParams = {
      ...this.echo(request),
      token_name: card.token_name,
      card_number: card.masked,
      expiry_date: card.expiry,
      card_bin: card.bin,
      ...(card.holder ? { card_holder_name: card.holder } : {}),
      ...extra,
      response_code: '18000',
      response_message: localizedMessage('000', MESSAGE_TEXT['000'], lang),
      status: '18',
    };
    this.tokenReturnUrls.set(card.token_name, request.return_url);
    this.deliver(res, request.return_url, this.signResponse(out), lang);
  }

  /** Stores a card as a token (masked); the CVV stays in memory for saved-card checks only. */
  saveCard(
    number: string,
    expiry: string,
    holder: string | undefined,
    tokenName: string | undefined,
    cvv: string | undefined,
  ): CardInfo {
    const known = testCardByNumber(number);
    const brand = known?.brand ?? cardBrand(number);
    const token_name =
      tokenName && !this.state.tokens.has(tokenName)
        ? tokenName
        : tokenName && this.state.tokens.get(tokenName)?.card_number === maskPan(number)
          ? tokenName
          : this.state.newTokenName();
    const info: CardInfo = {
      masked: maskPan(number),
      bin: number.slice(0, 6),
      brand,
      expiry,
      holder: holder || undefined,
      threeDs: known?.threeDs ?? false,
      declined: this.config.declined_cards.includes(number) || !known,
      token_name,
    };
    this.state.tokens.set(token_name, {
      token_name,
      card_number: info.masked,
      card_bin: info.bin,
      brand,
      expiry_date: expiry,
      card_holder_name: info.holder,
      threeDs: info.threeDs,
      declined: info.declined,
      status: 'ACTIVE',
      created_at: new Date().toISOString(),
    });
    if (cvv) this.state.tokenCvv.set(token_name, cvv);
    void this.state.save();
    return info;
  }

  summary(session: Session): Summary {
    return {
      merchant: this.config.merchant_identifier,
      reference: String(session.request.merchant_reference ?? ''),
      amount: String(session.request.amount ?? '0'),
      currency: String(session.request.currency ?? ''),
    };
  }

  async formOf(req: http.IncomingMessage): Promise<Fields> {
    const started = new Date();
    const fields = parseForm(await readBody(req));
    this.log.add({
      kind: 'other',
      method: 'POST',
      url: this.origin + (req.url ?? ''),
      requestContentType: String(req.headers['content-type'] ?? ''),
      requestFields: fields,
      startedAt: started.toISOString(),
      remoteAddress: clientAddress(req),
    });
    return fields;
  }

  private async cardStep(req: http.IncomingMessage, res: http.ServerResponse, session: Session): Promise<void> {
    const action = `/FortAPI/pay/${session.sid}`;
    const s = t(session.lang);
    const method = methodFromRequest(session.request);
    const render = (error?: string, values?: Record<string, string>) =>
      sendHtml(
        res,
        200,
        cardPage({
          lang: session.lang,
          action,
          summary: this.summary(session),
          method,
          installments: session.request.installments === 'STANDALONE',
          error,
          values,
        }),
      );
    if (req.method !== 'POST') return render();
    const form = await this.formOf(req);
    if (form.action === 'cancel') return this.finish(res, session, 'cancelled');
    const number = (form.card_number ?? '').replace(/\s/g, '');
    const expiry = mmyyToYymm(form.expiry ?? '');
    const keep = {
      card_number: form.card_number ?? '',
      expiry: form.expiry ?? '',
      card_holder_name: form.card_holder_name ?? '',
    };
    if (!isPan(number)) return render(s.invalidCard, keep);
    if (expiryProblem(expiry)) return render(s.invalidExpiry, keep);
    const brand = testCardByNumber(number)?.brand ?? cardBrand(number);
    if (!/^\d+$/.test(form.cvv ?? '') || form.cvv.length !== (brand === 'AMEX' ? 4 : 3))
      return render(s.invalidCvv, keep);
    if (method === 'MADA' && brand !== 'MADA') return render(s.madaOnly, keep);
    const visa = checkVisaAmount(brand, session.request);
    if (visa) {
      // The merchant's amount, not the customer's card, is wrong: the order goes back refused.
      session.finished = true;
      return this.refuse(res, session.request, visa, session.lang);
    }
    const requested = typeof session.request.token_name === 'string' ? session.request.token_name : undefined;
    session.card = this.saveCard(number, expiry, form.card_holder_name, requested, form.cvv);
    if (session.request.installments === 'STANDALONE') session.plan = Number(form.plan) || 1;
    const skip3ds = session.request.check_3ds === 'NO' && brand !== 'MADA';
    if (session.card.threeDs && !skip3ds) return seeOther(res, `/FortAPI/3ds/${session.sid}`);
    return this.finish(res, session, session.card.declined ? 'declined' : 'approved');
  }

  private async threeDsStep(req: http.IncomingMessage, res: http.ServerResponse, session: Session): Promise<void> {
    const action = `/FortAPI/3ds/${session.sid}`;
    if (!session.card) return sendText(res, 409, 'No card was entered for this session.');
    if (req.method !== 'POST') {
      return sendHtml(
        res,
        200,
        threeDsPage({ lang: session.lang, action, summary: this.summary(session), maskedCard: session.card.masked }),
      );
    }
    const form = await this.formOf(req);
    if (form.action === 'cancel') return this.finish(res, session, 'cancelled');
    if (form.password !== SIMULATOR_3DS_PASSWORD) return this.finish(res, session, 'auth-failed');
    return this.finish(res, session, session.card.declined ? 'declined' : 'approved');
  }

  private async lpmStep(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    session: Session,
    step: string,
  ): Promise<void> {
    const method = session.method!;
    const steps = LPM_STEPS[method];
    const confirmAction = `/FortAPI/lpm/${session.sid}/confirm`;
    if (step === 'confirm') {
      if (session.lpmApproved === undefined) return seeOther(res, `/FortAPI/lpm/${session.sid}/${session.lpmStep}`);
      if (req.method === 'POST') {
        await this.formOf(req);
        return this.finish(res, session, session.lpmApproved ? 'approved' : 'declined');
      }
      const ids = this.knetIds(session);
      return sendHtml(
        res,
        200,
        lpmConfirmPage({
          lang: session.lang,
          method,
          approved: session.lpmApproved,
          action: confirmAction,
          summary: this.summary(session),
          paymentId: ids.third_party_transaction_number,
          refNumber: ids.knet_ref_number,
          date: new Date().toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
        }),
      );
    }
    const index = Number(step);
    if (!Number.isInteger(index) || index < 0 || index >= steps.length) return sendText(res, 404, 'No such step.');
    if (index !== session.lpmStep) return seeOther(res, `/FortAPI/lpm/${session.sid}/${session.lpmStep}`);
    const action = `/FortAPI/lpm/${session.sid}/${index}`;
    if (req.method !== 'POST') {
      return sendHtml(
        res,
        200,
        lpmStepPage({ lang: session.lang, method, step: steps[index], action, summary: this.summary(session) }),
      );
    }
    const form = await this.formOf(req);
    if (form.action === 'cancel') return this.finish(res, session, 'cancelled');
    for (const f of steps[index].fields) session.lpmInputs[f] = form[f] ?? '';
    session.lpmStep = index + 1;
    if (session.lpmStep < steps.length) return seeOther(res, `/FortAPI/lpm/${session.sid}/${session.lpmStep}`);
    session.lpmApproved = lpmApproved(method, session.lpmInputs, this.config.local_success_values[method]);
    return seeOther(res, confirmAction);
  }

  /** The two KNET identifiers, fixed per session so the confirmation page and the result agree. */
  private knetIdsBySession = new BoundedMap<
    string,
    { knet_ref_number: string; third_party_transaction_number: string }
  >(() => this.sessionBound());
  knetIds(session: Session) {
    let ids = this.knetIdsBySession.get(session.sid);
    if (!ids) {
      ids = { knet_ref_number: digits(12), third_party_transaction_number: digits(16) };
      this.knetIdsBySession.set(session.sid, ids);
    }
    return ids;
  }

  /** Final result of a page flow: recorded, sent as direct feedback, and posted back to return_url. */
  finish(
    res: http.ServerResponse,
    session: Session,
    outcome: 'approved' | 'declined' | 'cancelled' | 'auth-failed',
  ): void {
    session.finished = true;
    const fields = this.completePayment(session, outcome);
    this.deliver(res, session.returnUrl, fields, session.lang);
  }

  /** Builds, records and signs the final result of a payment, and sends its direct feedback. */
  completePayment(session: Session, outcome: 'approved' | 'declined' | 'cancelled' | 'auth-failed'): ApsParams {
    const req = session.request;
    const command = req.command === 'AUTHORIZATION' ? 'AUTHORIZATION' : 'PURCHASE';
    const ok = outcome === 'approved';
    const status =
      outcome === 'cancelled'
        ? '00'
        : ok
          ? command === 'PURCHASE'
            ? '14'
            : '02'
          : command === 'PURCHASE'
            ? '13'
            : '03';
    const message3 = { approved: '000', declined: '666', cancelled: '072', 'auth-failed': '030' }[outcome];
    const out: ApsParams = { ...this.echo(req), fort_id: session.fortId };
    if (session.card) {
      Object.assign(out, {
        card_number: session.card.masked,
        expiry_date: session.card.expiry,
        card_holder_name: session.card.holder ?? req.card_holder_name,
        token_name: session.card.token_name,
        card_bin: session.card.bin,
        payment_option: req.payment_option ?? session.card.brand,
      });
    }
    if (session.method) {
      out.payment_option = req.payment_option ?? PAYMENT_METHODS[session.method].selector.value;
      if (session.method === 'STCPAY') {
        delete out.payment_option;
        out.digital_wallet = 'STCPAY';
        out.phone_number = session.lpmInputs.phone || req.phone_number;
      }
      if (session.method === 'KNET') Object.assign(out, this.knetIds(session));
    }
    if (!out.eci) out.eci = 'ECOMMERCE';
    if (ok) out.authorization_code = digits(6);
    if (ok && session.plan && session.plan > 1) out.number_of_installments = String(session.plan);
    if (ok && req.recurring_mode && req.agreement_id && session.card)
      out.agreement_id = this.createAgreement(req, session.card.token_name);
    out.response_code = status + message3;
    out.response_message = localizedMessage(message3, MESSAGE_TEXT[message3], session.lang);
    out.status = status;
    recordPayment(this.state, req, out);
    const signed = this.signResponse(out);
    this.feedback.send('direct', this.feedbackTarget('direct'), signed);
    return signed;
  }

  /** Records a CIT agreement; APS may hand back another id than the requested one, and MIT must use it. */
  createAgreement(req: ApsParams, tokenName: string): string {
    const requested = String(req.agreement_id);
    let id = requested;
    if (this.config.returnDifferentAgreementId) {
      do id = `${requested.slice(0, 7)}${digits(8)}`.slice(0, 15);
      while (this.agreementIdTaken(id));
    }
    this.state.agreements.set(id, {
      agreement_id: id,
      requested_id: requested,
      token_name: tokenName,
      recurring_mode: String(req.recurring_mode),
      transactions_count: req.recurring_transactions_count as string | undefined,
      expiry_date: req.recurring_expiry_date as string | undefined,
      days_between_payments: req.recurring_days_between_payments as string | undefined,
      cit_reference: String(req.merchant_reference),
      mit_count: 0,
      created_at: new Date().toISOString(),
    });
    return id;
  }

  exchanges(since = 0): SimExchange[] {
    return this.log.since(since);
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(options);
  await sim.start(options.host ?? '127.0.0.1', options.port ?? 0);
  return sim;
}

const LOG_QUERY = ['since', 'merchant_reference', 'fort_id', 'limit'];
/** References or fort ids one query may name: a run asks for the few of one scenario. */
const MAX_LOG_KEYS = 100;

function wholeNumber(value: string | null, name: string): number | { error: string } | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,15}$/.test(value)) return { error: `${name}=${value.slice(0, 40)} is not a whole number of 0 or more` };
  return Number(value);
}

/** The exchange log's query, checked: a junk value is a 400 naming it, never "everything". */
export function parseLogQuery(
  params: URLSearchParams,
): { since: number; filter?: ExchangeFilter; limit?: number } | { error: string } {
  for (const key of params.keys())
    if (!LOG_QUERY.includes(key))
      return { error: `unknown parameter ${key.slice(0, 40)}; use ${LOG_QUERY.join(', ')}` };
  const since = wholeNumber(params.get('since'), 'since') ?? 0;
  if (typeof since === 'object') return since;
  const limit = wholeNumber(params.get('limit'), 'limit');
  if (typeof limit === 'object') return limit;
  const filter: ExchangeFilter = {};
  for (const key of ['merchant_reference', 'fort_id'] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    const values = raw.split(',').filter(Boolean);
    if (!values.length || values.length > MAX_LOG_KEYS)
      return { error: `${key} must list 1 to ${MAX_LOG_KEYS} values, separated by commas` };
    filter[key] = values;
  }
  return { since, limit, filter: filter.merchant_reference || filter.fort_id ? filter : undefined };
}
