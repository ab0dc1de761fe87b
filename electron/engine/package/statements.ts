import { CATALOG } from '../../../shared/aps/catalog-index';
import { CHECK_STATUSES, checkStatusText, type CheckResult, type CheckStatus } from '../../../shared/schema/verify';
import type { Blocker } from '../../../shared/schema/signoff';

// What the package (manifest, PDF cover, report) says about the checklist and sign-off, written once: it states
// each checkpoint's status as the last verification decided it, never a blanket "verified".

export interface Verification {
  verifiedAt: string;
  probedAt?: string;
}

export const checkpointTitle = (id: string) => CATALOG.checkpoints.find(id)?.title ?? id;

/** Checkpoint ids per status, in the order statuses are listed; empty groups left out. */
export function checksByStatus(checks: CheckResult[]): { status: CheckStatus; ids: string[] }[] {
  return CHECK_STATUSES.map((status) => ({
    status,
    ids: checks.filter((c) => c.status === status).map((c) => c.checkpointId),
  })).filter((g) => g.ids.length);
}

/** "5 passed, 1 FAILED, 6 awaiting confirmation". */
export function checkCounts(checks: CheckResult[]): string {
  return checksByStatus(checks)
    .map((g) => `${g.ids.length} ${checkStatusText(g.status)}`)
    .join(', ');
}

/** The heading line of the checklist: when it was verified and with which probes. */
export function checklistHeading(checks: CheckResult[] | undefined, verification: Verification | undefined): string {
  if (!checks) return 'Checklist not verified: this package was built without verification results.';
  const when = verification ? ` on ${verification.verifiedAt}` : '';
  const probes = verification?.probedAt
    ? `, including the response probes of ${verification.probedAt}`
    : ', without response probes';
  return `Checklist as verified by Certkit${when}${probes}: ${checkCounts(checks)}.`;
}

export function draftHeading(blockers: Blocker[]): string {
  return `DRAFT, not for sign-off: ${blockers.length} item(s) still block it.`;
}

/** The manifest's machine-readable checklist: every checkpoint with its status, and the ids per status. */
export function checklistJson(checks: CheckResult[] | undefined, verification: Verification | undefined) {
  if (!checks) return null;
  return {
    verified_at: verification?.verifiedAt ?? null,
    response_probes_at: verification?.probedAt ?? null,
    by_status: Object.fromEntries(checksByStatus(checks).map((g) => [g.status, g.ids])),
    checkpoints: checks.map((c) => ({ id: c.checkpointId, title: checkpointTitle(c.checkpointId), status: c.status })),
  };
}
