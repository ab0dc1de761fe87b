import type { HTTPResponse, Page } from 'puppeteer-core';
import { classifyResponse, MESSAGE_TEXT } from '../../../shared/aps/codes';
import type { AnswerSeen, ExpectedAnswer } from '../../../shared/aps/outcomes';
import { both, type Bilingual } from '../../../shared/text';
import type { Exchange } from '../../../shared/schema/evidence';
import { answerOf, answeredText, outcomeProblem, type Fields } from '../aps/answers';
import { contradiction } from './result-claims';
import { ScenarioFailure, type Tripwire } from './scenario-failure';

const PAYMENT_COMMANDS = ['PURCHASE', 'AUTHORIZATION'];

/** The fields of an exchange that carry APS's answer: its post to return_url, a paymentApi reply. */
function answerFields(x: Exchange, phase: 'request' | 'response'): Fields | undefined {
  if (x.kind === 'return' && phase === 'request') return x.requestFields;
  if (x.kind === 'paymentApi' && phase === 'response') return x.responseFields;
  return undefined;
}

/** A refusal page on APS's host: a status-00 code shown with its own message ("00008: Signature mismatch"). */
export function refusalOnPage(text: string): AnswerSeen | undefined {
  for (const m of text.matchAll(/\b(00\d{3})\b/g)) {
    const message = MESSAGE_TEXT[m[1].slice(2)];
    if (message && text.toLowerCase().includes(message.toLowerCase()))
      return { responseCode: m[1], status: '00', message };
  }
  return undefined;
}

export interface AnswerWatchOptions {
  expected: ExpectedAnswer;
  tripwire: Tripwire;
  /** The step running now, named in the failure. */
  step: () => number;
  isReturn: (url: string) => boolean;
  isApsUrl: (url: string) => boolean;
}

/**
 * Ends a scenario the moment APS's own answer says it cannot pass, instead of letting the next step wait out its
 * timeout for a page that will never come: an answer other than the expected one, a refusal page on APS's host, the
 * payment page framed inside the store's page, a store page served as an HTTP error, or a store page telling the
 * customer the opposite of what APS answered.
 */
export class AnswerWatch {
  /** APS's last final answer seen in the browser. */
  answer?: AnswerSeen;

  constructor(private readonly o: AnswerWatchOptions) {}

  private trip(message: string | Bilingual, hint: string | Bilingual): void {
    this.o.tripwire.trip(new ScenarioFailure(message, hint, this.o.step()));
  }

  /** From the traffic recorder: a request's fields, then its answer. */
  onExchange(x: Exchange, phase: 'request' | 'response'): void {
    const command = typeof x.requestFields.command === 'string' ? x.requestFields.command : undefined;
    if (
      phase === 'request' &&
      x.kind === 'paymentPage' &&
      x.frame === 'iframe' &&
      PAYMENT_COMMANDS.includes(command ?? '')
    )
      return this.trip(
        `the store opened APS's payment page (${x.url}) inside a frame of its own page`,
        'hosted checkout posts the payment form to APS in the main window (target _top); APS refuses to run framed in production',
      );
    const fields = answerFields(x, phase);
    const answer = fields && answerOf(fields);
    if (!answer) return;
    const kind = classifyResponse(answer.responseCode);
    if (kind === '3ds-required' || kind === 'pending' || kind === 'on-hold') return;
    this.answer = answer;
    const own = !answer.command || this.o.expected.commands.includes(answer.command);
    // The same verdict and words as the scenario's final check (outcomeProblem), said the moment the answer comes.
    const problem = own ? outcomeProblem(this.o.expected, { answer }) : undefined;
    if (problem) return this.trip(both(problem.message, problem.ar.message), both(problem.hint, problem.ar.hint));
    if (!own && kind !== 'success')
      this.trip(
        `${answeredText(answer)} before the payment was made`,
        'fix what the code names; the scenario cannot reach its payment after it',
      );
  }

  /** Watches the scenario's page: document statuses, and each page once it has loaded. */
  attach(page: Page): void {
    page.on('response', (response: HTTPResponse) => {
      const request = response.request();
      if (!request.isNavigationRequest() || request.frame() !== page.mainFrame() || response.status() < 400) return;
      const status = `HTTP ${response.status()}${response.statusText() ? ` ${response.statusText()}` : ''}`;
      if (this.o.isReturn(response.url()))
        return this.trip(
          `the store answered APS's post of the result to return_url (${response.url()}) with ${status}`,
          'APS sends the result to return_url as a POST form: the route must accept POST (no CSRF check, no GET-only route) and show the result',
        );
      this.trip(
        `${response.url()} answered ${status}`,
        this.o.isApsUrl(response.url())
          ? "APS's page could not be shown; check the request the store sends"
          : 'a page of the payment flow is an error page; fix the store, then run again',
      );
    });
    page.on('load', () => {
      const url = page.url();
      const onAps = this.o.isApsUrl(url);
      // Only pages that can end the scenario are read: APS's (a refusal), and the store's once APS has answered.
      if (!onAps && !this.answer) return;
      void page
        .evaluate(() => document.body?.innerText ?? '')
        .then(
          (text) => {
            if (onAps) {
              const refusal = refusalOnPage(text);
              if (refusal)
                this.trip(
                  `APS refused the request: ${answeredText(refusal).replace(/^APS answered /, '')}`,
                  'fix what the code names in the request your store sends, then run again',
                );
              return;
            }
            const wrong = this.answer && contradiction(this.answer, text, url);
            if (wrong)
              this.trip(
                wrong,
                "the result page must follow APS's answer (status and response_code), never the other way round",
              );
          },
          // The page moved on before it could be read; the next page load is read instead.
          () => undefined,
        );
    });
  }
}
