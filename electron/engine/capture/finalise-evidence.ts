import { CATALOG } from '../../../shared/aps/catalog-index';
import type { ApplePayProbe, Exchange, ScenarioEvidence } from '../../../shared/schema/evidence';
import { applyPageValues, ledgerFromExchanges } from './ledger';

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
  const problems: string[] = [];
  if (writeError) problems.push(writeProblem(writeError));
  if (outcome.guided && !next.screenshots.length)
    problems.push('no page was captured (the window closed before any page loaded)');
  if (missing.length) problems.push(`no screenshot for slot${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (outcome.needsMerchantReference && !next.ledger.values.merchant_reference)
    problems.push('no merchant_reference in the traffic or on the page');

  if (!problems.length) return { ...next, status: 'passed' };
  return {
    ...next,
    status: 'failed',
    error: {
      message: problems.join('; '),
      hint: writeError
        ? 'free disk space in the workspace folder, then run again with --resume'
        : missing.length
          ? 'tag the step that shows each page with {"certkit": {"slot": "..."}} in the flow file'
          : 'add an extract rule for merchant_reference to the flow in certkit.json, or enter it by hand',
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
