import type { LeakScan } from '../../../shared/schema/evidence';
import { anyPayment, noEvidence, type Check, type EvidenceRef } from './context';

// Integration types whose signing code Certkit cannot load in a browser: the app bundle is the engineer's to search.
const APP_TYPES = new Set(['mobile', 'apple_pay_sdk']);

/**
 * signature-backend from the secret-leak scan of each run: every script and page the browser loaded was searched
 * for the SHA phrases (and scripts for the access code). A hit fails, naming the URL and which secret; the value is
 * never in the result.
 */
export const checkSignatureBackend: Check = (ctx) => {
  const scanned = ctx.scenarios.filter((ev): ev is typeof ev & { leakScan: LeakScan } => !!ev.leakScan);
  if (!scanned.length)
    return noEvidence(ctx, anyPayment(ctx), 'no run with the secrets set searched the pages for the SHA phrases');
  const hits: string[] = [];
  const evidence: EvidenceRef[] = [];
  let scripts = 0;
  let pages = 0;
  let unreadable = 0;
  const searched = new Set<string>();
  for (const ev of scanned) {
    const scan = ev.leakScan;
    scripts += scan.scripts;
    pages += scan.pages;
    unreadable += scan.unreadable;
    scan.searched.forEach((s) => searched.add(s));
    for (const hit of scan.hits) {
      const line = `the ${hit.secret} is in the ${hit.kind} ${hit.url}`;
      if (!hits.includes(line)) hits.push(line);
      evidence.push({
        scenarioId: ev.scenarioId,
        kind: 'field',
        ref: 'leakScan',
        detail: `${hit.kind} ${hit.url} holds the ${hit.secret}`,
      });
    }
  }
  const counted = `${scripts} script${scripts === 1 ? '' : 's'} and ${pages} page${pages === 1 ? '' : 's'} scanned in ${scanned.length} scenario(s)`;
  if (hits.length)
    return {
      status: 'failed',
      summary: `${counted}: ${hits.join('; ')}`,
      fix: 'Compute signatures on your server only: remove the SHA phrases (and the access code) from every script and page the browser receives, then change them in the APS back office (Integration settings > Security settings), since they have been public.',
      evidence,
    };
  const missing = ['request phrase', 'response phrase'].filter((s) => !searched.has(s));
  const partial = unreadable ? ` (${unreadable} more could not be read before the browser replaced them)` : '';
  const summary = `${counted}, 0 hits${partial}`;
  if (missing.length)
    return {
      status: 'needs-confirmation',
      summary: `${summary}; the run did not have the ${missing.join(' and ')} to look for`,
      fix: 'Run again with every secret set (CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE), or search your front end for the phrases yourself and confirm.',
    };
  const apps = ctx.workspace.integrationTypes.filter((t) => APP_TYPES.has(t));
  if (apps.length)
    return {
      status: 'needs-confirmation',
      summary: `${summary} in the browser; a mobile app bundle is not loaded by a browser run`,
      fix: 'Search your mobile app bundle for the SHA phrases and access code, then confirm: certkit verify <workspace> --confirm signature-backend --note "what you checked".',
    };
  return { status: 'passed', summary };
};
