import { scenarioStateText } from '../../../shared/schema/evidence';
import { checkStatusText, type CheckResult } from '../../../shared/schema/verify';
import type { Blocker } from '../../../shared/schema/signoff';
import {
  checklistHeading,
  checklistJson,
  checkpointTitle,
  checksByStatus,
  draftHeading,
  type Verification,
} from './statements';
import type { Workspace } from '../../../shared/schema/workspace';
import type { PlannedEntry, PlannedFile, PlannedScenario } from './plan';
import type { Redactor } from '../redact/index';

export interface PackedImage {
  entry: PlannedEntry;
  jpeg: Buffer;
  width: number;
  height: number;
  /** JPEG quality it was re-encoded at, or undefined when the captured file is used as is. */
  quality?: number;
  scaled: boolean;
}

export interface PartInfo {
  file: PlannedFile;
  part: number;
  parts: number;
  images: PackedImage[];
  fileName: string;
}

export interface ManifestContext {
  workspace: Workspace;
  generatedAt: Date;
  checks?: CheckResult[];
  verification?: Verification;
  draft: boolean;
  /** What blocks sign-off (stated in a draft). */
  blockers: Blocker[];
  redact: Redactor;
}

// 2: checklist states each checkpoint's status; scenarios name their run; draft and what blocks sign-off.
export const MANIFEST_VERSION = 2;

/** Where a scenario's evidence came from, in a line: the run, pinned or not, and when. */
export function runLine(s: PlannedScenario): string {
  if (!s.runId) return 'not run';
  return `run ${s.runId}${s.pinned ? ' (pinned)' : ''}${s.finishedAt ? `, finished ${s.finishedAt}` : ''}`;
}

function scenarioJson(s: PlannedScenario) {
  return {
    id: s.id,
    title: s.title,
    method: s.method,
    outcome: s.outcome,
    language: s.language,
    status: s.status,
    merchant_reference: s.ledger.merchant_reference ?? null,
    fort_id: s.ledger.fort_id ?? null,
    agreement_id: s.ledger.agreement_id ?? null,
    token_name: s.ledger.token_name ?? null,
    knet_ref_number: s.ledger.knet_ref_number ?? null,
    third_party_transaction_number: s.ledger.third_party_transaction_number ?? null,
    run_id: s.runId ?? null,
    run_pinned: s.pinned,
    finished_at: s.finishedAt ?? null,
    url: s.url ?? null,
  };
}

export function manifestJson(part: PartInfo, ctx: ManifestContext): string {
  const { workspace: ws } = ctx;
  const value = {
    manifest_version: MANIFEST_VERSION,
    account: ws.account.name,
    merchant_identifier: ws.account.merchantIdentifier ?? null,
    environment: ws.account.environment,
    generated_at: ctx.generatedAt.toISOString(),
    file: part.fileName,
    group: part.file.group,
    title: part.file.title,
    part: part.part,
    parts: part.parts,
    draft: ctx.draft,
    signoff_blocked_by: ctx.draft ? ctx.blockers.map((b) => ({ kind: b.kind, message: b.message })) : [],
    checklist: checklistJson(ctx.checks, ctx.verification),
    scenarios: part.file.scenarios
      .filter((s) => part.images.some((i) => i.entry.scenarioId === s.id) || part.part === 1)
      .map(scenarioJson),
    screenshots: part.images.map((i) => ({
      name: i.entry.name,
      kind: i.entry.kind,
      scenario: i.entry.scenarioId ?? null,
      slot: i.entry.slot ?? null,
      slot_name: i.entry.slotName,
      url: i.entry.url || null,
      page_title: i.entry.pageTitle || null,
      merchant_reference: i.entry.ledger?.merchant_reference ?? null,
      fort_id: i.entry.ledger?.fort_id ?? null,
      agreement_id: i.entry.ledger?.agreement_id ?? null,
      captured_at: i.entry.capturedAt,
      time_zone: i.entry.timeZone ?? null,
      width: i.width,
      height: i.height,
      jpeg_quality: i.quality ?? 'as captured',
      downscaled: i.scaled,
    })),
    missing: part.part === 1 ? part.file.missing : [],
  };
  return `${JSON.stringify(ctx.redact.deep(value), null, 2)}\n`;
}

export function manifestText(part: PartInfo, ctx: ManifestContext): string {
  const { workspace: ws } = ctx;
  const lines: string[] = [];
  if (ctx.draft) {
    lines.push(draftHeading(ctx.blockers));
    for (const b of ctx.blockers) lines.push(`  - ${b.message}`);
    lines.push('');
  }
  lines.push(`${part.file.title}`);
  lines.push(
    `Account: ${ws.account.name}${ws.account.merchantIdentifier ? ` (merchant identifier ${ws.account.merchantIdentifier})` : ''}`,
  );
  lines.push(`Environment: ${ws.account.environment}    Generated: ${ctx.generatedAt.toISOString()}`);
  lines.push(`File: ${part.fileName}${part.parts > 1 ? `  (part ${part.part} of ${part.parts})` : ''}`);
  lines.push(checklistHeading(ctx.checks, ctx.verification));
  for (const g of checksByStatus(ctx.checks ?? []))
    lines.push(`  ${checkStatusText(g.status)}: ${g.ids.map(checkpointTitle).join('; ')}`);
  lines.push('');
  lines.push('Scenarios');
  for (const s of part.file.scenarios) {
    const v = s.ledger;
    lines.push(`- ${s.title} [${s.id}] (${scenarioStateText(s.status)})`);
    lines.push(
      `    merchant reference: ${v.merchant_reference ?? '-'}   fort_id: ${v.fort_id ?? '-'}${v.agreement_id ? `   agreement id: ${v.agreement_id}` : ''}`,
    );
    if (v.knet_ref_number || v.third_party_transaction_number) {
      lines.push(
        `    knet_ref_number: ${v.knet_ref_number ?? '-'}   third_party_transaction_number: ${v.third_party_transaction_number ?? '-'}`,
      );
    }
    lines.push(`    evidence: ${runLine(s)}`);
    lines.push(`    URL: ${s.url ?? '-'}`);
  }
  lines.push('');
  lines.push('Screenshots (in flow order)');
  for (const i of part.images) {
    lines.push(`- ${i.entry.name}`);
    lines.push(`    ${i.entry.slotName}; ${i.entry.capturedAt}${i.entry.url ? `; ${i.entry.url}` : ''}`);
  }
  if (part.part === 1 && part.file.missing.length) {
    lines.push('');
    lines.push('Not yet captured');
    for (const m of part.file.missing) lines.push(`- ${m}`);
  }
  return `${ctx.redact.text(lines.join('\n'))}\n`;
}
