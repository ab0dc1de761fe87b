import { CATALOG } from '../../../shared/aps/catalog-index';
import type { ExpectedAnswer } from '../../../shared/aps/outcomes';
import type { ApplePayProbe, Exchange, ScenarioEvidence, Screenshot } from '../../../shared/schema/evidence';
import { both, LRM, type Bilingual } from '../../../shared/text';
import { decidingAnswer, outcomeProblem } from '../aps/answers';
import { applyPageValues, ledgerFromExchanges } from './ledger';
import { contradiction } from './result-claims';

/** What a finished scenario left behind, besides its evidence so far. */
export interface ScenarioOutcome {
  /** Values the extract rules read on the pages. */
  pageValues: Record<string, string>;
  /** Server-to-server exchanges from the simulator's log that belong to this scenario. */
  simulatorExchanges: Exchange[];
  applePay?: ApplePayProbe;
  /** Slots this scenario must fill; only page slots are checked here (snippets are supplied apart). */
  requiredSlots: string[];
  /** The scenario's catalog entry says it records a merchant_reference. */
  needsMerchantReference: boolean;
  /** What APS must have answered (the catalog's expected outcome); unset, the answer is not judged. */
  expects?: ExpectedAnswer;
  /** A guided capture: the user assigns pages to slots afterwards, but it must have captured a page. */
  guided: boolean;
  /** The first image or header that could not be written. */
  fileError?: unknown;
  /** The first scenario.json write that failed. */
  saveError?: unknown;
}

/** References the browser saw, by which the simulator's log entries of this scenario are found. */
export function linkKeys(
  exchanges: Exchange[],
  pageValues: Record<string, string>,
): { merchant_reference: string[]; fort_id: string[] } {
  const refs = new Set<string>();
  const forts = new Set<string>();
  for (const ex of exchanges) {
    for (const fields of [ex.requestFields, ex.responseFields ?? {}]) {
      if (typeof fields.merchant_reference === 'string') refs.add(fields.merchant_reference);
      if (typeof fields.fort_id === 'string') forts.add(fields.fort_id);
    }
  }
  if (pageValues.merchant_reference) refs.add(pageValues.merchant_reference);
  if (pageValues.fort_id) forts.add(pageValues.fort_id);
  return { merchant_reference: [...refs], fort_id: [...forts] };
}

/** The store's page that shows the outcome: the last one captured for a result, receipt or return slot. */
export function resultShot(screenshots: Screenshot[]): Screenshot | undefined {
  return [...screenshots].reverse().find((s) => !s.failure && !!s.slot && /\.(result|receipt|return)$/.test(s.slot));
}

interface Problem {
  message: string;
  hint: string;
  /** The same in Arabic, where Certkit wrote the sentence. */
  ar?: { message: string; hint: string };
}

/** The fix for a result page that contradicts APS's answer, said mid-scenario (answer-watch) and here. */
export const RESULT_FOLLOWS_APS = both(
  "the result page must follow APS's answer (status and response_code), never the other way round",
  'يجب أن تتبع صفحة النتيجة ردّ APS (status و response_code)، لا العكس',
);

/** A problem written once in both languages; the English is what the package and the CLI print. */
function said(message: Bilingual, hint: Bilingual): Problem {
  return { message: message.en, hint: hint.en, ar: { message: message.ar, hint: hint.ar } };
}

/** Whether APS's answer says the scenario happened, and whether the store's result page agrees with it. */
function outcomeProblems(evidence: ScenarioEvidence, expects: ExpectedAnswer): Problem[] {
  const problems: Problem[] = [];
  const found = decidingAnswer(evidence.exchanges, expects, evidence.ledger);
  const answer = outcomeProblem(expects, found);
  if (answer) problems.push(answer);
  const refused = evidence.exchanges.find(
    (x) => x.kind === 'return' && x.observedBy === 'browser' && (x.responseStatus ?? 0) >= 400,
  );
  if (refused)
    problems.push(
      said(
        both(
          `the store answered APS's post of the result to return_url (${refused.url}) with HTTP ${refused.responseStatus}`,
          `ردّ المتجر على إرسال APS للنتيجة إلى return_url (${LRM}${refused.url}${LRM}) بالرمز HTTP ${refused.responseStatus}`,
        ),
        both(
          'APS sends the result to return_url as a POST form: the route must accept POST and show the result',
          'ترسل APS النتيجة إلى return_url نموذجًا بطريقة POST: يجب أن يقبل المسار POST ويعرض النتيجة',
        ),
      ),
    );
  const result = resultShot(evidence.screenshots);
  if (result && (result.httpStatus ?? 0) >= 400 && !refused)
    problems.push(
      said(
        both(
          `the result page ${result.url} is an HTTP ${result.httpStatus} error page`,
          `صفحة النتيجة ${LRM}${result.url}${LRM} صفحة خطأ HTTP ${result.httpStatus}`,
        ),
        both(
          'the page after the payment must show the outcome; fix the store, then run again',
          'يجب أن تعرض الصفحة التي تلي الدفع النتيجة؛ أصلح المتجر ثم شغّل مرة أخرى',
        ),
      ),
    );
  const wrong = found && result?.text ? contradiction(found.answer, result.text, result.url) : undefined;
  if (wrong) problems.push(said(wrong, RESULT_FOLLOWS_APS));
  return problems;
}

function writeProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return `evidence could not be written: ${e?.code === 'ENOSPC' ? 'the disk is full' : (e?.message ?? String(err))}`;
}

/**
 * The scenario's verdict from what it left behind: the ledger (traffic first, then page values), and passed only
 * when nothing is missing: every page slot filled, a merchant_reference if the scenario records one, every file
 * written. A scenario that already failed keeps its error; a write problem is added to it. Pure: no browser, no disk.
 */
export function finaliseEvidence(evidence: ScenarioEvidence, outcome: ScenarioOutcome): ScenarioEvidence {
  const exchanges = [...evidence.exchanges, ...outcome.simulatorExchanges];
  const next: ScenarioEvidence = {
    ...evidence,
    exchanges,
    ledger: applyPageValues(ledgerFromExchanges(exchanges, evidence.ledger), outcome.pageValues),
  };
  if (outcome.applePay) next.applePay = outcome.applePay;

  if (evidence.status === 'failed') {
    if (outcome.fileError && evidence.error) {
      next.error = {
        ...evidence.error,
        message: `${evidence.error.message}; also, ${writeProblem(outcome.fileError)}`,
      };
    }
    return next;
  }

  const filled = new Set(next.screenshots.map((s) => s.slot).filter(Boolean));
  const missing = outcome.guided
    ? []
    : outcome.requiredSlots.filter((s) => CATALOG.slots.find(s)?.kind === 'page' && !filled.has(s));
  const writeError = outcome.fileError ?? outcome.saveError;
  const problems: Problem[] = [];
  if (writeError)
    problems.push({
      message: writeProblem(writeError),
      hint: 'free disk space in the workspace folder, then run again with --resume',
    });
  // APS's answer first: a payment that did not happen is the problem, whatever else is missing.
  if (outcome.expects) problems.push(...outcomeProblems(next, outcome.expects));
  if (outcome.guided && !next.screenshots.length)
    problems.push(
      said(
        both(
          'no page was captured (the window closed before any page loaded)',
          'لم تُلتقط أي صفحة (أُغلقت النافذة قبل تحميل أي صفحة)',
        ),
        both('capture again', 'التقط مرة أخرى'),
      ),
    );
  if (missing.length)
    problems.push(
      said(
        both(
          `no screenshot for slot${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
          `لا توجد لقطة شاشة للخانة ${missing.join('، ')}`,
        ),
        both(
          'import the recording again with --slot STEP=SLOT for the step that shows each page, or tag that step with {"certkit": {"slot": "..."}} in the flow file',
          `استورد التسجيل مرة أخرى مع --slot STEP=SLOT للخطوة التي تعرض كل صفحة، أو وسِم تلك الخطوة بـ {"certkit": {"slot": "..."}}${LRM} في ملف التدفق`,
        ),
      ),
    );
  if (outcome.needsMerchantReference && !next.ledger.values.merchant_reference)
    problems.push(
      said(
        both(
          'no merchant_reference in the traffic or on the page',
          'لا يوجد merchant_reference في حركة المرور ولا على الصفحة',
        ),
        both(
          'add an extract rule for merchant_reference to the flow in certkit.json, or enter it by hand',
          'أضف قاعدة استخراج لـ merchant_reference إلى التدفق في certkit.json، أو أدخله يدويًا',
        ),
      ),
    );

  if (!problems.length) return { ...next, status: 'passed' };
  return {
    ...next,
    status: 'failed',
    error: {
      message: problems.map((p) => p.message).join('; '),
      hint: problems[0].hint,
      // A problem Certkit has no Arabic for (APS's answer, a browser's words) is quoted in English.
      ...(problems.some((p) => p.ar)
        ? {
            ar: {
              message: problems.map((p) => p.ar?.message ?? p.message).join('؛ '),
              hint: problems[0].ar?.hint ?? problems[0].hint,
            },
          }
        : {}),
    },
  };
}

/** A passed scenario whose final scenario.json could not be written is not passed: the disk does not say so. */
export function unsavedEvidence(evidence: ScenarioEvidence, saveError: unknown): ScenarioEvidence {
  if (!saveError || evidence.status !== 'passed') return evidence;
  return {
    ...evidence,
    status: 'failed',
    error: {
      message: `evidence could not be written: ${(saveError as Error).message}`,
      hint: 'free disk space, then run again with --resume',
    },
  };
}
