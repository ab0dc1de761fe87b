import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { INTEGRATION_TYPE_INFO } from '../../../shared/aps/checkpoints';
import { LOCAL_METHODS, PAYMENT_METHODS } from '../../../shared/aps/methods';
import { SIGNOFF_EMAIL, signoffSubject } from '../../../shared/aps/signoff-email';
import { slotsOfTable } from '../../../shared/aps/slots';
import { scenarioStateText } from '../../../shared/schema/evidence';
import { checkStatusText, type CheckResult } from '../../../shared/schema/verify';
import type { Blocker } from '../../../shared/schema/signoff';
import { checklistHeading, draftHeading, type Verification } from '../package/statements';
import type { Workspace } from '../../../shared/schema/workspace';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { collectEvidence, outputDir, packageDir } from '../evidence/store';
import { DRAFT_PREFIX, readPackageIndex, type PackageResult } from '../package/index';
import { planPackage, type PackagePlan } from '../package/plan';
import { createRedactor } from '../redact/index';
import { listSnippets } from '../snippets/index';
import { writeFileAtomic } from '../util/atomic-write';
import { withWorkspaceLock } from '../util/workspace-lock';
import { loadWorkspace } from '../workspace/workspace';
import { secretValues, type MerchantSecrets } from '../workspace/secrets';
import { buildEml, encodedSize } from './mime';
import { MB } from '../../../shared/limits';

export interface EmailResult {
  emlPath: string;
  textPath: string;
  mailto: string;
  subject: string;
  to: string;
  attachmentsInline: boolean;
  attachments: string[];
  draft: boolean;
}

export const EMAIL_FILES = { eml: 'signoff-email.eml', text: 'signoff-email.txt', mailto: 'signoff-email.mailto.txt' };
/** A draft's files say so in their names. */
export const DRAFT_EMAIL_FILES = {
  eml: 'signoff-email-DRAFT.eml',
  text: 'signoff-email-DRAFT.txt',
  mailto: 'signoff-email-DRAFT.mailto.txt',
};

/** A checkpoint's line: its status in the package's words, with the reason when it is not a plain pass. */
function checkLine(c: CheckResult): string {
  const title = CATALOG.checkpoints.find(c.checkpointId)?.title ?? c.checkpointId;
  const why = c.status === 'failed' || c.status === 'warn' ? ` (${c.summary})` : c.note ? ` (${c.note})` : '';
  return `${title}: ${checkStatusText(c.status)}${why}`;
}

function sectionTitle(id: (typeof SIGNOFF_EMAIL.bodySections)[number]['id']): string {
  const i = SIGNOFF_EMAIL.bodySections.findIndex((s) => s.id === id);
  return `${i + 1}. ${SIGNOFF_EMAIL.bodySections[i].title}`;
}

interface BodyInput {
  ws: Workspace;
  plan: PackagePlan;
  files: { name: string; bytes: number }[];
  checks: CheckResult[] | undefined;
  verification?: Verification;
  inline: boolean;
  draft: boolean;
  blockers: Blocker[];
}

function bodyText({ ws, plan, files, checks, verification, inline, draft, blockers }: BodyInput): string {
  const out: string[] = [];
  const acct = ws.account;
  if (draft) {
    out.push(`${draftHeading(blockers)} Do not send this email until they are resolved:`);
    for (const b of blockers) out.push(`- ${b.message}`);
    out.push('');
  }
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
    out.push(checklistHeading(checks, verification));
    out.push(
      open.length
        ? `${open.length} checkpoint(s) are not yet met or confirmed (marked below); resolve them before sending.`
        : `We confirm every checkpoint of the verification checklist for ${ws.integrationTypes.map((t) => INTEGRATION_TYPE_INFO[t].checklistTable).join('; ')}.`,
    );
    for (const c of checks) out.push(`- ${checkLine(c)}`);
  }
  out.push('');

  out.push(sectionTitle('local-methods'));
  const locals = ws.methods.filter((m) => LOCAL_METHODS.includes(m));
  if (!locals.length) out.push('No local payment methods in this integration.');
  for (const m of locals) {
    const method = PAYMENT_METHODS[m];
    // Named as built: a draft package's files start with DRAFT_.
    const prefix = files.some((f) => f.name.startsWith(DRAFT_PREFIX)) ? DRAFT_PREFIX : '';
    const mFiles = plan.files.filter((f) => f.method === m).map((f) => `${prefix}${f.baseName}`);
    const refs = plan.files
      .filter((f) => f.method === m)
      .flatMap((f) =>
        f.scenarios.map(
          (s) =>
            `${s.outcome}${method.languages.length > 1 ? ` (${s.language})` : ''} ${s.ledger.merchant_reference ?? '(not captured)'}${s.status === 'passed' ? '' : ` [${scenarioStateText(s.status)}]`}`,
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
    for (const c of related) out.push(`    ${checkLine(c)}`);
  }
  out.push('');

  out.push(sectionTitle('code-snippets'));
  const snippetEntries = plan.files.flatMap((f) => f.entries.filter((e) => e.kind === 'snippet'));
  const snippetMissing = plan.files.flatMap((f) => f.missing.filter((x) => x.startsWith('Code snippet')));
  if (!snippetEntries.length && !snippetMissing.length) out.push('Not applicable to this integration.');
  for (const e of snippetEntries) out.push(`- ${e.slotName}: included as an image in the general package (${e.name})`);
  for (const x of snippetMissing) out.push(`- MISSING: ${x}`);
  out.push('');

  // Screens the engineer imported are named as such, so APS never reads them as Certkit's own captures.
  const imported = plan.files.flatMap((f) => f.entries.filter((e) => e.imported));
  if (imported.length) {
    out.push('Screens imported by the engineer (not captured in the browser by Certkit):');
    for (const e of imported)
      out.push(
        `- ${e.scenarioTitle} [${e.scenarioId}], ${e.slotName}: ${e.name}${e.imported?.note ? ` (${e.imported.note})` : ''}`,
      );
    out.push('');
  }

  out.push(sectionTitle('attachments'));
  if (!files.length) out.push('No package built yet: run `certkit package` first.');
  for (const f of files) out.push(`- ${f.name} (${(f.bytes / MB).toFixed(2)} MB)`);
  if (files.length)
    out.push(
      inline
        ? `URLs are visible in every screenshot${imported.length ? ' Certkit captured' : ''}.`
        : `URLs are visible in every screenshot${imported.length ? ' Certkit captured' : ''}. The files together exceed the mail size limit, so they are not inside this email: attach them from the package folder (or send them over several emails).`,
    );
  out.push('', 'Kind regards,', acct.name, '');
  return out.join('\n');
}

export interface EmailOptions {
  /** The package just built; without it, the package on disk (output/package) is attached. */
  pkg?: PackageResult;
  checks?: CheckResult[];
  /** When the checks were decided, and when the response probes they include were sent. */
  verification?: Verification;
  /** A draft says DRAFT in its subject, its first lines and its file names. */
  draft?: boolean;
  /** What blocks sign-off, listed at the top of a draft. */
  blockers?: Blocker[];
  mailLimitMb?: number;
  /** Secret values scrubbed from the text (the CLI reads them from CERTKIT_*, the app from its store). */
  secrets?: MerchantSecrets;
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
  draft: boolean;
}

/** Reads the workspace, its evidence and the built package, and composes the email. Writes nothing. */
export async function draftSignoffEmail(workspaceDir: string, options: EmailOptions = {}): Promise<SignoffDraft> {
  const ws = await loadWorkspace(workspaceDir);
  const mailLimitMb = options.mailLimitMb ?? ws.package.mailLimitMb;
  if (!Number.isFinite(mailLimitMb) || mailLimitMb <= 0) {
    throw new CertkitError(
      both(
        `mail size limit ${mailLimitMb} MB is not a positive number`,
        `حد حجم البريد ${mailLimitMb} ميغابايت ليس عددًا موجبًا`,
      ),
      {
        hint: both(
          "set package.mailLimitMb in certkit.json (your mail server's limit, often 20-25 MB)",
          'اضبط package.mailLimitMb في certkit.json (حد خادم بريدك، وغالبًا 20-25 ميغابايت)',
        ),
      },
    );
  }
  const evidence = await collectEvidence(workspaceDir, { pins: ws.pins ?? {} });
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
  const draft = !!options.draft;
  const subject = `${draft ? 'DRAFT - ' : ''}${signoffSubject(ws.account.name)}`;
  const text = redact.text(
    bodyText({
      ws,
      plan,
      files: named,
      checks: options.checks,
      verification: options.verification,
      inline,
      draft,
      blockers: options.blockers ?? [],
    }),
  );
  const mailto = `mailto:${SIGNOFF_EMAIL.to}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(text)}`;
  return { to: SIGNOFF_EMAIL.to, subject, text, mailto, attachmentsInline: inline, attachments: named, draft };
}

/** Writes the drafted email as output/signoff-email.eml (attachments inside when they fit), .txt and .mailto.txt. */
export async function writeSignoffEmail(workspaceDir: string, options: EmailOptions = {}): Promise<EmailResult> {
  return withWorkspaceLock(workspaceDir, 'email', () => writeLocked(workspaceDir, options));
}

async function writeLocked(workspaceDir: string, options: EmailOptions): Promise<EmailResult> {
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
  const names = draft.draft ? DRAFT_EMAIL_FILES : EMAIL_FILES;
  const emlPath = path.join(out, names.eml);
  const textPath = path.join(out, names.text);
  await writeFileAtomic(emlPath, buildEml({ to: draft.to, subject: draft.subject, text: draft.text, attachments }));
  await writeFileAtomic(textPath, `To: ${draft.to}\nSubject: ${draft.subject}\n\n${draft.text}`);
  await writeFileAtomic(path.join(out, names.mailto), `${draft.mailto}\n`);
  // The other kind goes: a final email beside a newer draft (or the reverse) would say two things at once.
  const other = draft.draft ? EMAIL_FILES : DRAFT_EMAIL_FILES;
  await Promise.all(Object.values(other).map((f) => fs.rm(path.join(out, f), { force: true })));
  return {
    emlPath,
    textPath,
    mailto: draft.mailto,
    subject: draft.subject,
    to: draft.to,
    attachmentsInline: draft.attachmentsInline,
    attachments: draft.attachments.map((f) => f.path),
    draft: draft.draft,
  };
}
