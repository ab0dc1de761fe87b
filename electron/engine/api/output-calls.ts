import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiTable, PackageView } from '../../../shared/api/contract';
import { draftSignoffEmail, writeSignoffEmail, type EmailOptions } from '../email/index';
import { isMailtoLink, shortMailto } from '../email/mailto';
import { collectEvidence, outputDir, packageDir } from '../evidence/store';
import { buildPackage, planPackage, readPackageIndex, type PackagePlan } from '../package/index';
import { addSnippet, listSnippets } from '../snippets/index';
import { confirmCheckpoint, verifyWorkspace, type VerifyReport } from '../verify/index';
import { packageGate, refuseWhileBlocked, signoffStatus } from '../signoff/index';
import type { ApiHost, ApiSession } from './context';
import { secretsFor } from './secrets-of';
import { forgetChecks, refreshWorkspace, requireWorkspace } from './session';
import { errnoCode } from '../errors';

type OutputCalls = Pick<
  ApiTable,
  | 'checks.verify'
  | 'checks.confirm'
  | 'signoff.status'
  | 'snippets.add'
  | 'package.plan'
  | 'package.build'
  | 'package.openFolder'
  | 'email.draft'
  | 'email.saveEml'
  | 'email.open'
>;

const MB = 1024 * 1024;

/** Size of a file the plan would pack; a source that is gone counts 0 (the plan lists it as missing anyway). */
async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
}

/** A built file as the wizard lists it; its image count comes from the plan group it was packed from. */
function builtFile(
  f: { path: string; format: string; group: string; bytes: number; parts: number },
  plan: PackagePlan,
): PackageView['files'][number] {
  const items = plan.files.find((p) => p.group === f.group)?.entries.length ?? 0;
  return {
    name: path.basename(f.path),
    kind: f.format,
    items: f.parts > 1 ? Math.ceil(items / f.parts) : items,
    bytes: f.bytes,
    estimated: false,
    path: f.path,
  };
}

export function outputCalls(host: ApiHost, session: ApiSession): OutputCalls {
  const verify = async (probeResponseSignature = false): Promise<VerifyReport> => {
    const { dir } = requireWorkspace(session);
    const report = await verifyWorkspace(dir, { secrets: await secretsFor(host, dir), probeResponseSignature });
    session.checks = { dir, report };
    return report;
  };
  const reportFor = async (dir: string) => (session.checks?.dir === dir ? session.checks.report : verify());
  const signoff = async (dir: string) => signoffStatus(dir, { report: await reportFor(dir) });

  // The app's own secrets (keychain or host memory), so the email scrubs them too. The email states the checklist
  // as last verified; unless it is a draft, it is refused while anything blocks sign-off.
  const emailOptions = async (dir: string, draft: boolean): Promise<EmailOptions> => {
    const { state, report } = await signoff(dir);
    if (!draft) refuseWhileBlocked(state.blockers, 'email', 'app');
    return {
      checks: report.results,
      verification: { verifiedAt: report.verifiedAt, probedAt: report.probes?.at },
      draft,
      blockers: state.blockers,
      secrets: await secretsFor(host, dir),
    };
  };

  return {
    'checks.verify': async ({ probeResponse }) => ({ results: (await verify(!!probeResponse)).results }),
    'checks.confirm': async ({ checkpointId, confirmed, note }) => {
      const { dir } = requireWorkspace(session);
      session.workspace = await confirmCheckpoint(dir, checkpointId, confirmed, note);
      forgetChecks(session);
      return { results: (await verify()).results };
    },
    'signoff.status': async () => {
      const { dir } = await refreshWorkspace(session);
      return (await signoff(dir)).state;
    },
    'snippets.add': async ({ slot, language, code }) => {
      const { dir } = requireWorkspace(session);
      await addSnippet(dir, slot, code, language, host.browserEnv);
      forgetChecks(session);
      return { ok: true as const };
    },
    'package.plan': async () => {
      const { dir, workspace } = await refreshWorkspace(session);
      const maxBytes = Math.floor(workspace.package.maxMb * MB);
      const pkgDir = packageDir(dir);
      const built = await readPackageIndex(pkgDir);
      const plan = planPackage(workspace, await collectEvidence(dir), { snippets: await listSnippets(dir) });
      const missing = plan.files.flatMap((f) => f.missingSlots);
      if (built?.files.length) {
        return {
          maxBytes,
          outputDir: pkgDir,
          files: built.files.map((f) => builtFile(f, plan)),
          warnings: built.warnings,
          missing,
          draft: built.draft !== false,
        };
      }
      const files: PackageView['files'] = [];
      for (const f of plan.files) {
        let bytes = 0;
        for (const e of f.entries) bytes += await fileSize(path.resolve(dir, e.source));
        files.push({ name: `${f.baseName}.zip`, kind: f.group, items: f.entries.length, bytes, estimated: true });
      }
      return {
        maxBytes,
        outputDir: pkgDir,
        files,
        warnings: [],
        missing,
        draft: false,
      };
    },
    'package.build': async ({ draft }) => {
      const { dir, workspace } = await refreshWorkspace(session);
      const { state, report } = await signoff(dir);
      const blockers = packageGate(state);
      if (!draft) refuseWhileBlocked(blockers, 'package', 'app');
      const result = await buildPackage(dir, {
        secrets: await secretsFor(host, dir),
        checks: report.results,
        verification: { verifiedAt: report.verifiedAt, probedAt: report.probes?.at },
        draft,
        blockers,
        format: 'both',
        browserEnv: host.browserEnv,
      });
      const plan = planPackage(workspace, await collectEvidence(dir), { snippets: await listSnippets(dir) });
      return {
        maxBytes: Math.floor(workspace.package.maxMb * MB),
        outputDir: result.outDir,
        files: result.files.map((f) => builtFile(f, plan)),
        warnings: result.warnings,
        missing: plan.files.flatMap((f) => f.missingSlots),
        draft: result.draft,
      };
    },
    'package.openFolder': async () => {
      const { dir } = requireWorkspace(session);
      const out = outputDir(dir);
      await fs.mkdir(out, { recursive: true });
      return { path: out, opened: await host.openPath(out) };
    },
    'email.draft': async (input) => {
      const { dir } = await refreshWorkspace(session);
      const draft = await draftSignoffEmail(dir, await emailOptions(dir, input.draft));
      return {
        to: draft.to,
        subject: draft.subject,
        body: draft.text,
        attachments: draft.attachments.map((a) => ({ name: a.name, bytes: a.bytes })),
        mailto: draft.mailto,
        draft: draft.draft,
      };
    },
    'email.saveEml': async ({ draft }) => {
      const { dir } = await refreshWorkspace(session);
      const result = await writeSignoffEmail(dir, await emailOptions(dir, draft));
      return { path: result.emlPath, bytes: (await fs.stat(result.emlPath)).size };
    },
    'email.open': async ({ draft }) => {
      const { dir } = await refreshWorkspace(session);
      const result = await writeSignoffEmail(dir, await emailOptions(dir, draft));
      const mailto = shortMailto(result.to, result.subject, result.emlPath, packageDir(dir));
      // The .eml holds the whole text and the attachments; the mail apps that open it show it as a draft to send.
      if (await host.openPath(result.emlPath)) return { path: result.emlPath, opened: 'file' as const, mailto };
      if (host.openExternal && isMailtoLink(mailto) && (await host.openExternal(mailto)))
        return { path: result.emlPath, opened: 'mailto' as const, mailto };
      return { path: result.emlPath, opened: 'none' as const, mailto };
    },
  };
}
