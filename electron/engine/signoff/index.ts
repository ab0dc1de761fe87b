import { CATALOG } from '../../../shared/aps/catalog-index';
import { PACKAGE_BLOCKERS, type Blocker, type SignoffAction, type SignoffState } from '../../../shared/schema/signoff';
import type { CheckResult } from '../../../shared/schema/verify';
import type { Snippet } from '../../../shared/schema/evidence';
import type { Workspace } from '../../../shared/schema/workspace';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { collectEvidence, packageDir, type CollectedEvidence } from '../evidence/store';
import { packageBasis, readPackageIndex, type PackageBasis } from '../package/index';
import { planPackage } from '../package/plan';
import { listSnippets } from '../snippets/index';
import { verifyWorkspace, type VerifyReport } from '../verify/index';
import { loadWorkspace } from '../workspace/workspace';
import type { MerchantSecrets } from '../workspace/secrets';

// The one place that decides whether a workspace may be signed off, and if not, what stands in the way. The CLI's
// package and email commands refuse with this list (unless --draft), the app shows it; the package, report and email
// state what it states, so nothing claims more than verify.

/** The checkpoints whose check can send the response probes. */
const PROBED = new Set(['response-signature', 'amount-validation', 'feedback-urls']);

/** The package on disk, as far as sign-off cares. */
export interface BuiltPackage {
  draft?: boolean;
  basis?: PackageBasis;
}

export interface SignoffInput {
  workspace: Workspace;
  evidence: CollectedEvidence;
  report: VerifyReport;
  snippets: Snippet[];
  /** The package last built; undefined when there is none. */
  built?: BuiltPackage;
}

const title = (scenarioId: string) => CATALOG.scenarios.find(scenarioId)?.title ?? scenarioId;

function scenarioBlockers({ workspace, evidence, report }: SignoffInput): Blocker[] {
  const out: Blocker[] = [];
  for (const s of report.scenarios) {
    const ev = evidence.byScenario.get(s.id);
    const broken = evidence.brokenPins.find((p) => p.scenarioId === s.id);
    if (broken) {
      out.push({
        kind: 'pin-broken',
        scenario: s.id,
        message: `${s.title} (${s.id}) is pinned to run ${broken.runId}, which holds no evidence of it`,
        fix: { action: 'unpin', scenario: s.id },
        alternatives: [],
      });
      continue;
    }
    const noFlow = !workspace.flows[s.id];
    const rerun: SignoffAction = noFlow ? { action: 'add-flow', scenario: s.id } : { action: 'rerun', scenario: s.id };
    if (!ev || ev.status === 'skipped') {
      out.push({
        kind: 'scenario-not-run',
        scenario: s.id,
        message: `${s.title} (${s.id}) has not run${noFlow ? ': it has no flow yet' : ''}`,
        fix: rerun,
        alternatives: [],
      });
    } else if (ev.status === 'failed') {
      out.push({
        kind: 'scenario-failed',
        scenario: s.id,
        message: `${s.title} (${s.id}) failed in run ${ev.runId}${s.pinned ? ' (pinned)' : ''}${ev.error ? `: ${ev.error.message}` : ''}`,
        ...(ev.error?.ar ? { reasonAr: ev.error.ar.message } : {}),
        fix: rerun,
        alternatives: s.pinned ? [{ action: 'unpin', scenario: s.id }] : [],
      });
    } else if (ev.status !== 'passed') {
      out.push({
        kind: 'scenario-unfinished',
        scenario: s.id,
        message: `${s.title} (${s.id}) did not finish in run ${ev.runId} (the run was stopped)`,
        fix: rerun,
        alternatives: [],
      });
    }
  }
  return out;
}

function slotBlockers({ workspace, evidence, snippets }: SignoffInput): Blocker[] {
  const out: Blocker[] = [];
  for (const file of planPackage(workspace, evidence, { snippets }).files) {
    for (const m of file.missingSlots) {
      const slot = CATALOG.slots.get(m.slot);
      if (!m.scenarioId) {
        out.push({
          kind: 'snippet-missing',
          slot: m.slot,
          message: `Code snippet missing: ${slot.checklistName}`,
          fix: { action: 'add-snippet', slot: m.slot },
          alternatives: [],
        });
        continue;
      }
      // A scenario that failed or has not run is listed once, as such; a passed one lacking a page needs its step tagged.
      if (evidence.byScenario.get(m.scenarioId)?.status !== 'passed') continue;
      out.push({
        kind: 'slot-missing',
        scenario: m.scenarioId,
        slot: m.slot,
        message: `${title(m.scenarioId)} (${m.scenarioId}) has no screenshot for "${slot.checklistName}" (${m.slot})`,
        fix: { action: 'tag-step', scenario: m.scenarioId, slot: m.slot },
        alternatives: [],
      });
    }
  }
  return out;
}

/** Scenarios a result rests on (its evidence), or the ones its no-evidence fix names. */
function scenariosOf(r: CheckResult): string[] {
  const ids = r.evidence.filter((e) => e.kind !== 'probe').map((e) => e.scenarioId);
  return [...new Set([...ids, ...(r.rerun ?? [])])];
}

function checkpointBlockers({ workspace, report }: SignoffInput): Blocker[] {
  const out: Blocker[] = [];
  const confirm = (checkpoint: string): SignoffAction => ({ action: 'confirm', checkpoint });
  for (const r of report.results) {
    const name = CATALOG.checkpoints.get(r.checkpointId).title;
    const base = { checkpoint: r.checkpointId };
    if (r.status === 'failed') {
      out.push({
        ...base,
        kind: 'checkpoint-failed',
        message: `${name}: FAILED. ${r.summary}`,
        fix: {
          action: 'fix-integration',
          checkpoint: r.checkpointId,
          rerun: scenariosOf(r),
          probe: r.evidence.some((e) => e.kind === 'probe'),
        },
        alternatives: [],
      });
    } else if (r.status === 'needs-confirmation') {
      const probeable =
        PROBED.has(r.checkpointId) &&
        !r.evidence.some((e) => e.kind === 'probe') &&
        workspace.account.environment !== 'production';
      out.push({
        ...base,
        kind: 'checkpoint-needs-confirmation',
        message: `${name}: awaiting confirmation. ${r.summary}`,
        fix: probeable ? { action: 'probe' } : confirm(r.checkpointId),
        alternatives: probeable ? [confirm(r.checkpointId)] : [],
      });
    } else if (r.status === 'no-evidence') {
      // The scenarios it needs are listed as not run (or failed) on their own; this names the first of them.
      const first = r.rerun?.[0];
      out.push({
        ...base,
        kind: 'checkpoint-no-evidence',
        message: `${name}: ${r.summary}`,
        fix: first ? { action: 'rerun', scenario: first } : confirm(r.checkpointId),
        alternatives: first ? [confirm(r.checkpointId)] : [],
      });
    }
  }
  return out;
}

function packageBlockers({ evidence, report, built }: SignoffInput): Blocker[] {
  const fix: SignoffAction = { action: 'build-package' };
  if (!built) return [{ kind: 'package-missing', message: 'No package has been built', fix, alternatives: [] }];
  if (built.draft !== false)
    return [
      {
        kind: 'package-draft',
        message: 'The package on disk is a draft (or was built before drafts were marked)',
        fix,
        alternatives: [],
      },
    ];
  const now = packageBasis(evidence, report.results);
  if (JSON.stringify(now) !== JSON.stringify(built.basis))
    return [
      {
        kind: 'package-stale',
        message: 'The package was built from other evidence or checklist results than the current ones',
        fix,
        alternatives: [],
      },
    ];
  return [];
}

/** The sign-off state of a workspace, from what is already loaded (pure). */
export function computeSignoff(input: SignoffInput): SignoffState {
  const blockers = [
    ...scenarioBlockers(input),
    ...slotBlockers(input),
    ...checkpointBlockers(input),
    ...packageBlockers(input),
  ];
  return {
    ready: blockers.length === 0,
    blockers,
    scenarios: input.report.scenarios,
    checkpoints: input.report.results.map((r) => ({
      id: r.checkpointId,
      title: CATALOG.checkpoints.get(r.checkpointId).title,
      status: r.status,
    })),
    verifiedAt: input.report.verifiedAt,
    probedAt: input.report.probes?.at,
  };
}

export interface SignoffOptions {
  secrets?: MerchantSecrets;
  appleSecrets?: MerchantSecrets;
  /** A verification already made of the current evidence (the app keeps the last one); verified afresh without it. */
  report?: VerifyReport;
}

export interface SignoffResult {
  state: SignoffState;
  report: VerifyReport;
}

/** Reads the workspace, its evidence, snippets and package, verifies (with the probes kept from before), and decides. */
export async function signoffStatus(workspaceDir: string, options: SignoffOptions = {}): Promise<SignoffResult> {
  const workspace = await loadWorkspace(workspaceDir);
  const evidence = await collectEvidence(workspaceDir, { pins: workspace.pins ?? {} });
  const report =
    options.report ??
    (await verifyWorkspace(workspaceDir, {
      secrets: options.secrets,
      appleSecrets: options.appleSecrets,
      evidence,
    }));
  const built = await readPackageIndex(packageDir(workspaceDir));
  const state = computeSignoff({
    workspace,
    evidence,
    report,
    snippets: await listSnippets(workspaceDir),
    built: built ? { draft: built.draft, basis: built.basis } : undefined,
  });
  return { state, report };
}

/** What blocks building the package itself: everything but the package's own state. */
export function packageGate(state: SignoffState): Blocker[] {
  return state.blockers.filter((b) => !PACKAGE_BLOCKERS.includes(b.kind));
}

/** A blocker and its fix, as a person reads them in a terminal or an error banner. */
export function describeAction(a: SignoffAction): string {
  switch (a.action) {
    case 'rerun':
      return `run ${a.scenario}: certkit run <workspace> --only ${a.scenario}`;
    case 'add-flow':
      return `record or import its flow: certkit import <workspace> <recording.json> --scenario ${a.scenario}`;
    case 'tag-step':
      return `tag the flow step that shows the page with {"certkit": {"slot": "${a.slot}"}}, then run ${a.scenario} again`;
    case 'add-snippet':
      return `add it: certkit snippet <workspace> --slot ${a.slot} --file FILE`;
    case 'confirm':
      return `check it and confirm: certkit verify <workspace> --confirm ${a.checkpoint} --note "what you checked"`;
    case 'fix-integration':
      return `fix the integration as the checkpoint says, then ${[
        a.rerun.length ? `run ${a.rerun.join(', ')} again` : '',
        a.probe ? 'probe again (certkit verify <workspace> --probe-response)' : '',
      ]
        .filter(Boolean)
        .join(' and ')}`;
    case 'probe':
      return 'probe the merchant: certkit verify <workspace> --probe-response (simulator or staging store only)';
    case 'unpin':
      return `pin another run or unpin: certkit pin <workspace> --scenario ${a.scenario} --latest`;
    case 'build-package':
      return 'build the package: certkit package <workspace>';
  }
}

export function blockerLines(blockers: Blocker[]): string[] {
  return blockers.flatMap((b) => [
    `- ${b.message}`,
    `    fix: ${describeAction(b.fix)}${b.alternatives.length ? `; or ${b.alternatives.map(describeAction).join('; or ')}` : ''}`,
  ]);
}

/**
 * Refuses to make a non-draft output while something blocks it. The error lists the blockers, with the commands
 * that fix them for the CLI; the app shows its own buttons for those.
 */
export function refuseWhileBlocked(
  blockers: Blocker[],
  what: 'package' | 'email',
  audience: 'cli' | 'app' = 'cli',
): void {
  if (!blockers.length) return;
  const lines = audience === 'cli' ? blockerLines(blockers) : blockers.map((b) => `- ${b.message}`);
  const thing = what === 'package' ? both('package', 'الحزمة') : both('sign-off email', 'بريد الاعتماد');
  const n = blockers.length;
  throw new CertkitError(
    both(
      `the ${thing.en} cannot be final: ${n} item(s) block sign-off\n${lines.join('\n')}`,
      // The items themselves are listed in the app's own language by its blockers panel, beside this banner.
      `لا يمكن أن تكون ${thing.ar} نهائية: ${n} بند يمنع الاعتماد (انظر قائمة ما يمنع الاعتماد)\n${lines.join('\n')}`,
    ),
    {
      hint:
        audience === 'cli'
          ? `fix the items above, or make a draft (certkit ${what} <workspace> --draft); a draft says DRAFT in its file names and text`
          : both(
              'fix the items above, or make a draft; a draft says DRAFT in its file names and text',
              'عالج البنود أعلاه، أو أنشئ مسودة؛ والمسودة تحمل كلمة DRAFT في أسماء ملفاتها ونصها',
            ),
      exitCode: 1,
    },
  );
}
