import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { INTEGRATION_TYPE_INFO } from '../../../shared/aps/checkpoints';
import { LOCAL_METHODS, PAYMENT_METHODS } from '../../../shared/aps/methods';
import { SIGNOFF_EMAIL, signoffSubject } from '../../../shared/aps/signoff-email';
import { slotsOfTable } from '../../../shared/aps/slots';
import { scenarioStateText } from '../../../shared/schema/evidence';
import type { CheckResult, CheckStatus } from '../../../shared/schema/verify';
import type { Workspace } from '../../../shared/schema/workspace';
import { CertkitError } from '../errors';
import { collectEvidence, outputDir, packageDir } from '../evidence/store';
import { readPackageIndex, type PackageResult } from '../package/index';
import { planPackage, type PackagePlan } from '../package/plan';
import { createRedactor } from '../redact/index';
import { listSnippets } from '../snippets/index';
import { writeFileAtomic } from '../util/atomic-write';
import { loadWorkspace } from '../workspace/workspace';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { buildEml, encodedSize } from './mime';

export interface EmailResult {
  emlPath: string;
  textPath: string;
  mailto: string;
  subject: string;
  to: string;
  attachmentsInline: boolean;
  attachments: string[];
}

export const EMAIL_FILES = { eml: 'signoff-email.eml', text: 'signoff-email.txt', mailto: 'signoff-email.mailto.txt' };
/** A draft's files, beside the real ones and never mistaken for them. */
export const DRAFT_EMAIL_FILES = {
  eml: 'signoff-email-DRAFT.eml',
  text: 'signoff-email-DRAFT.txt',
  mailto: 'signoff-email-DRAFT.mailto.txt',
};

const MB = 1024 * 1024;
const STATUS_WORD: Record<CheckStatus, string> = {
  passed: 'verified',
  confirmed: 'confirmed by the engineer',
  failed: 'NOT MET',
  warn: 'verified with a warning',
  'needs-confirmation': 'awaiting confirmation',
  'no-evidence': 'no evidence yet',
  'not-applicable': 'not applicable',
};

function sectionTitle(id: (typeof SIGNOFF_EMAIL.bodySections)[number]['id']): string {
  const i = SIGNOFF_EMAIL.bodySections.findIndex((s) => s.id === id);
  return `${i + 1}. ${SIGNOFF_EMAIL.bodySections[i].title}`;
}

function bodyText(
  ws: Workspace,
  plan: PackagePlan,
  files: { name: string; bytes: number }[],
  checks: CheckResult[] | undefined,
  inline: boolean,
): string {
  const out: string[] = [];
  const acct = ws.account;
  out.push('Dear Amazon Payment Services integration team,', '');
  out.push(
    `Please find below the integration sign-off for ${acct.name}${acct.merchantIdentifier ? ` (merchant identifier ${acct.merchantIdentifier})` : ''}.`,
  );
  out.push(`Integration types: ${ws.integrationTypes.map((t) => INTEGRATION_TYPE_INFO[t].label).join(', ')}.`);
  out.push(`Payment methods: ${ws.methods.map((m) => PAYMENT_METHODS[m].label).join(', ')}.`, '');

  out.push(sectionTitle('test-results'));
  for (const f of plan.files) {
    for (const s of f.scenarios) {
      const v = s.ledger;
      const ids = [`merchant reference ${v.merchant_reference ?? '(not captured)'}`];
      if (v.fort_id) ids.push(`fort_id ${v.fort_id}`);
      if (v.agreement_id) ids.push(`agreement id ${v.agreement_id}`);
      if (v.knet_ref_number) ids.push(`knet_ref_number ${v.knet_ref_number}`);
      if (v.third_party_transaction_number)
        ids.push(`third_party_transaction_number ${v.third_party_transaction_number}`);
      out.push(`- ${s.title}: ${ids.join(', ')}${s.status === 'passed' ? '' : ` [${scenarioStateText(s.status)}]`}`);
    }
  }
  out.push('');

  out.push(sectionTitle('verification'));
  if (!checks) {
    out.push(
      'Checklist not verified: Certkit has no verification results for this package. Please confirm each checkpoint before sending.',
    );
  } else {
    const open = checks.filter(
      (c) => c.status === 'failed' || c.status === 'no-evidence' || c.status === 'needs-confirmation',
    );
    out.push(
      open.length
        ? `${open.length} checkpoint(s) are not yet met or confirmed (marked below); resolve them before sending.`
        : `We confirm every checkpoint of the verification checklist for ${ws.integrationTypes.map((t) => INTEGRATION_TYPE_INFO[t].checklistTable).join('; ')}.`,
    );
    for (const c of checks) {
      const title = CATALOG.checkpoints.find(c.checkpointId)?.title ?? c.checkpointId;
      out.push(`- ${title}: ${STATUS_WORD[c.status]}${c.note ? ` (${c.note})` : ''}`);
    }
  }
  out.push('');

  out.push(sectionTitle('local-methods'));
  const locals = ws.methods.filter((m) => LOCAL_METHODS.includes(m));
  if (!locals.length) out.push('No local payment methods in this integration.');
  for (const m of locals) {
    const method = PAYMENT_METHODS[m];
    const mFiles = plan.files.filter((f) => f.method === m).map((f) => f.baseName);
    const refs = plan.files
      .filter((f) => f.method === m)
      .flatMap((f) =>
        f.scenarios.map(
          (s) =>
            `${s.outcome}${method.languages.length > 1 ? ` (${s.language})` : ''} ${s.ledger.merchant_reference ?? '(not captured)'}`,
        ),
      );
    out.push(`- ${method.label} (${method.defaultCurrency}): ${refs.join('; ')}`);
    const packing =
      method.packing === 'per-outcome'
        ? 'success and declined screenshots in separate files'
        : method.packing === 'combined'
          ? 'success and declined screenshots in one file'
          : 'screenshots in the general package';
    out.push(
      `    ${packing}${mFiles.length ? ` (${mFiles.join(', ')})` : ''}${method.languages.length > 1 ? `; flows in ${method.languages.map((l) => (l === 'ar' ? 'Arabic' : 'English')).join(' and ')}` : ''}`,
    );
    out.push(
      `    screens covered: ${slotsOfTable(m)
        .map((s) => `${s.checklistName} (${s.requirement})`)
        .join('; ')}`,
    );
    if (method.branding) out.push(`    follows: ${method.branding}`);
    const related = (checks ?? []).filter((c) => CATALOG.checkpoints.find(c.checkpointId)?.methods?.includes(m));
    for (const c of related) out.push(`    ${CATALOG.checkpoints.get(c.checkpointId).title}: ${STATUS_WORD[c.status]}`);
  }
  out.push('');

  out.push(sectionTitle('code-snippets'));
  const snippetEntries = plan.files.flatMap((f) => f.entries.filter((e) => e.kind === 'snippet'));
  const snippetMissing = plan.files.flatMap((f) => f.missing.filter((x) => x.startsWith('Code snippet')));
  if (!snippetEntries.length && !snippetMissing.length) out.push('Not applicable to this integration.');
  for (const e of snippetEntries) out.push(`- ${e.slotName}: included as an image in the general package (${e.name})`);
  for (const x of snippetMissing) out.push(`- MISSING: ${x}`);
  out.push('');

  out.push(sectionTitle('attachments'));
  if (!files.length) out.push('No package built yet: run `certkit package` first.');
  for (const f of files) out.push(`- ${f.name} (${(f.bytes / MB).toFixed(2)} MB)`);
  out.push(
    inline || !files.length
      ? 'URLs are visible in every screenshot.'
      : `URLs are visible in every screenshot. The files together exceed the mail size limit, so they are not inside this draft: attach them from ${'the package folder'} (or send them over several emails).`,
  );
  out.push('', 'Kind regards,', acct.name, '');
  return out.join('\n');
}

export interface EmailOptions {
  /** The package just built; without it, the package on disk (output/package) is attached. */
  pkg?: PackageResult;
  checks?: CheckResult[];
  mailLimitMb?: number;
  /** Secret values scrubbed from the text (the CLI reads them from CERTKIT_*, the app from its store). */
  secrets?: MerchantSecrets;
  /** Written while things still block sign-off: the subject, the first line and the file names say DRAFT. */
  draft?: { blockers: string[] };
}

/** The sign-off email as it would be sent, computed without writing anything. */
export interface SignoffDraft {
  to: string;
  subject: string;
  text: string;
  mailto: string;
  /** True when the package fits in the mail limit and goes inside the .eml. */
  attachmentsInline: boolean;
  attachments: { path: string; name: string; bytes: number; format: string }[];
}

/** Reads the workspace, its evidence and the built package, and composes the email. Writes nothing. */
export async function draftSignoffEmail(workspaceDir: string, options: EmailOptions = {}): Promise<SignoffDraft> {
  const ws = await loadWorkspace(workspaceDir);
  const mailLimitMb = options.mailLimitMb ?? ws.package.mailLimitMb;
  if (!Number.isFinite(mailLimitMb) || mailLimitMb <= 0) {
    throw new CertkitError(`mail size limit ${mailLimitMb} MB is not a positive number`, {
      hint: "set package.mailLimitMb in certkit.json (your mail server's limit, often 20-25 MB)",
    });
  }
  const evidence = await collectEvidence(workspaceDir);
  const plan = planPackage(ws, evidence, { snippets: await listSnippets(workspaceDir) });
  const files = options.pkg?.files ?? (await readPackageIndex(packageDir(workspaceDir)))?.files ?? [];
  // APS takes .zip or .pdf; when both were built, the zips go (the method sections ask for zips) and not the same
  // screenshots twice.
  const chosen = files.some((f) => f.format === 'zip') ? files.filter((f) => f.format === 'zip') : files;
  const named = chosen.map((f) => ({ path: f.path, name: path.basename(f.path), bytes: f.bytes, format: f.format }));
  const total = named.reduce((n, f) => n + encodedSize(f.bytes), 0);
  const inline = named.length > 0 && total + 64 * 1024 <= mailLimitMb * MB;
  const keep = [...evidence.byScenario.values()].flatMap((e) =>
    Object.values(e.ledger.values).filter((v): v is string => !!v),
  );
  const redact = createRedactor(secretValues(options.secrets ?? {}), keep);
  const subject = `${options.draft ? 'DRAFT - ' : ''}${signoffSubject(ws.account.name)}`;
  const draftNote = options.draft
    ? [
        `DRAFT - not ready for sign-off: ${options.draft.blockers.length} item(s) still block it:`,
        ...options.draft.blockers.map((b) => `  - ${b}`),
        '',
        '',
      ].join('\n')
    : '';
  const text = redact.text(draftNote + bodyText(ws, plan, named, options.checks, inline));
  const mailto = `mailto:${SIGNOFF_EMAIL.to}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(text)}`;
  return { to: SIGNOFF_EMAIL.to, subject, text, mailto, attachmentsInline: inline, attachments: named };
}

/** Writes the drafted email as output/signoff-email.eml (attachments inside when they fit), .txt and .mailto.txt. */
export async function writeSignoffEmail(workspaceDir: string, options: EmailOptions = {}): Promise<EmailResult> {
  const draft = await draftSignoffEmail(workspaceDir, options);
  const attachments = draft.attachmentsInline
    ? await Promise.all(
        draft.attachments.map(async (f) => ({
          filename: f.name,
          contentType: f.format === 'pdf' ? 'application/pdf' : 'application/zip',
          data: await fs.readFile(f.path),
        })),
      )
    : [];
  const out = outputDir(workspaceDir);
  const names = options.draft ? DRAFT_EMAIL_FILES : EMAIL_FILES;
  const emlPath = path.join(out, names.eml);
  const textPath = path.join(out, names.text);
  await writeFileAtomic(emlPath, buildEml({ to: draft.to, subject: draft.subject, text: draft.text, attachments }));
  await writeFileAtomic(textPath, `To: ${draft.to}\nSubject: ${draft.subject}\n\n${draft.text}`);
  await writeFileAtomic(path.join(out, names.mailto), `${draft.mailto}\n`);
  return {
    emlPath,
    textPath,
    mailto: draft.mailto,
    subject: draft.subject,
    to: draft.to,
    attachmentsInline: draft.attachmentsInline,
    attachments: draft.attachments.map((f) => f.path),
  };
}
