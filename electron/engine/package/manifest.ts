import { scenarioStateText } from '../../../shared/schema/evidence';
import type { CheckResult } from '../../../shared/schema/verify';
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
  redact: Redactor;
}

export const MANIFEST_VERSION = 1;

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
    checklist: ctx.checks ? 'verified by certkit' : 'not verified',
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
  lines.push(`${part.file.title}`);
  lines.push(
    `Account: ${ws.account.name}${ws.account.merchantIdentifier ? ` (merchant identifier ${ws.account.merchantIdentifier})` : ''}`,
  );
  lines.push(`Environment: ${ws.account.environment}    Generated: ${ctx.generatedAt.toISOString()}`);
  lines.push(`File: ${part.fileName}${part.parts > 1 ? `  (part ${part.part} of ${part.parts})` : ''}`);
  lines.push(
    `Checklist: ${ctx.checks ? 'verified by Certkit, see the cover page of the PDF or the report' : 'checklist not verified'}`,
  );
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
    lines.push(`    time: ${s.finishedAt ?? '-'}`);
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
