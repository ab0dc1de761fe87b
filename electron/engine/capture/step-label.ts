import type { Step } from '@puppeteer/replay';
import { both, LRM, type Bilingual } from '../../../shared/text';
import { BROWSER_CLOSED } from './scenario-failure';

/** A short, human label for a Recorder step, from the raw step (placeholders not yet filled, so no personal data). */
export function stepLabel(raw: Record<string, unknown>, tagLabel?: string): string {
  if (tagLabel) return tagLabel;
  const selectors = raw.selectors as unknown[] | undefined;
  const first = Array.isArray(selectors) && selectors.length ? selectors[0] : undefined;
  const selector = Array.isArray(first) ? String(first[first.length - 1]) : first !== undefined ? String(first) : '';
  const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
  switch (raw.type) {
    case 'navigate':
      return `Open ${short(String(raw.url))}`;
    case 'click':
    case 'doubleClick':
      return `Click ${short(selector)}`;
    case 'change':
      return `Type ${/\{\{/.test(String(raw.value)) ? String(raw.value) : 'a value'} into ${short(selector)}`;
    case 'waitForElement':
      return `Wait for ${short(selector)}`;
    case 'setViewport':
      return 'Set the window size';
    case 'keyDown':
    case 'keyUp':
      return `Press ${String(raw.key)}`;
    default:
      return String(raw.type);
  }
}

/** A step's failure in English, with the Arabic beside it where Certkit wrote the sentence (not a browser's words). */
export interface ExplainedError {
  message: string;
  hint?: string;
  ar?: { message: string; hint?: string };
}

function explained(said: { message: Bilingual; hint?: Bilingual }): ExplainedError {
  return {
    message: said.message.en,
    hint: said.hint?.en,
    ar: said.hint ? { message: said.message.ar, hint: said.hint.ar } : { message: said.message.ar },
  };
}

/**
 * Turns Puppeteer's wording into what happened, in the user's terms. `filled` is the step as replayed: an address that
 * could not be reached is named as the browser tried it, not as the flow's `{{baseUrl}}` template.
 */
export function explainStepError(
  err: unknown,
  raw: Record<string, unknown> | undefined,
  timeoutMs: number,
  filled?: Step,
): ExplainedError {
  const text = err instanceof Error ? err.message : String(err);
  const seconds = Math.round(timeoutMs / 1000);
  const net = /net::(ERR_[A-Z_]+)/.exec(text);
  if (net) {
    const url = raw?.type === 'navigate' ? String(filled?.type === 'navigate' ? filled.url : raw.url) : 'the page';
    return explained({
      message: both(`${url} could not be reached (${net[1]})`, `تعذّر الوصول إلى ${LRM}${url}${LRM} (${net[1]})`),
      hint: both(
        'check that the store is running and the base URL in certkit.json (store.baseUrl) is right',
        'تأكد أن المتجر يعمل وأن العنوان الأساسي في certkit.json (store.baseUrl) صحيح',
      ),
    });
  }
  if (/Navigation timeout|waiting for navigation|Navigation.*exceeded/i.test(text)) {
    return explained({
      message: both(
        `the page did not finish loading within ${seconds} s`,
        `لم يكتمل تحميل الصفحة خلال ${seconds} ثانية`,
      ),
      hint: both(
        'the site is slow or stuck; open it by hand to see, or raise capture.stepTimeoutMs',
        'الموقع بطيء أو متوقف؛ افتحه يدويًا لترى، أو ارفع capture.stepTimeoutMs',
      ),
    });
  }
  if (
    /Target closed|Session closed|Connection closed|browser has disconnected|Browser closed|Protocol error.*(closed|detached)|frame got detached|Navigating frame was detached/i.test(
      text,
    )
  ) {
    return explained(BROWSER_CLOSED);
  }
  if (/timed? ?out|exceeded/i.test(text)) {
    const selectors = raw?.selectors as unknown[] | undefined;
    const sel = Array.isArray(selectors)
      ? selectors.map((s) => (Array.isArray(s) ? s.join(' >>> ') : String(s))).join(' or ')
      : undefined;
    return explained({
      message: sel
        ? both(
            `the element ${sel} did not appear within ${seconds} s`,
            `لم يظهر العنصر ${LRM}${sel}${LRM} خلال ${seconds} ثانية`,
          )
        : both(`the step did not complete within ${seconds} s`, `لم تكتمل الخطوة خلال ${seconds} ثانية`),
      hint: both(
        'the page changed or the flow is out of date: record the flow again, or fix the selector in the flow file',
        'تغيّرت الصفحة أو أن التدفق قديم: سجّل التدفق مرة أخرى، أو صحّح المحدِّد في ملف التدفق',
      ),
    });
  }
  return { message: text.split('\n')[0] };
}
