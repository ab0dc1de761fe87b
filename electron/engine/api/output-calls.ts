import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiTable, PackageView } from '../../../shared/api/contract';
import { SIGNOFF_EMAIL } from '../../../shared/aps/signoff-email';
import type { CheckResult } from '../../../shared/schema/verify';
import { writeSignoffEmail } from '../email/index';
import { collectEvidence, outputDir } from '../evidence/store';
import { buildPackage, planPackage, readPackageIndex, type PackagePlan } from '../package/index';
import { addSnippet, listSnippets } from '../snippets/index';
import { confirmCheckpoint, verifyWorkspace } from '../verify/index';
import type { ApiHost, ApiSession } from './context';
import { secretsFor } from './secrets-of';
import { refreshWorkspace, requireWorkspace } from './session';

type OutputCalls = Pick<
  ApiTable,
  | 'checks.verify'
  | 'checks.confirm'
  | 'snippets.add'
  | 'package.plan'
  | 'package.build'
  | 'package.openFolder'
  | 'email.draft'
  | 'email.saveEml'
>;

const MB = 1024 * 1024;

async function fileSize(file: string): Promise<number> {
  return fs.stat(file).then(
    (s) => s.size,
    () => 0,
  );
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
  let lastChecks: { dir: string; results: CheckResult[] } | undefined;

  const verify = async (probeResponseSignature = false): Promise<CheckResult[]> => {
    const { dir } = requireWorkspace(session);
    const report = await verifyWorkspace(dir, { secrets: await secretsFor(host, dir), probeResponseSignature });
    lastChecks = { dir, results: report.results };
    return report.results;
  };
  const checksFor = async (dir: string) => (lastChecks?.dir === dir ? lastChecks.results : verify());

  const email = async () => {
    const { dir } = requireWorkspace(session);
    // The app's own secrets (keychain or host memory), so the email scrubs them too, not only CERTKIT_* ones.
    const result = await writeSignoffEmail(dir, { checks: await checksFor(dir), secrets: await secretsFor(host, dir) });
    const body = decodeURIComponent(new URL(result.mailto).searchParams.get('body') ?? '');
    return { result, body };
  };

  return {
    'checks.verify': async ({ probeResponse }) => ({ results: await verify(!!probeResponse) }),
    'checks.confirm': async ({ checkpointId, confirmed, note }) => {
      const { dir } = requireWorkspace(session);
      session.workspace = await confirmCheckpoint(dir, checkpointId, confirmed, note);
      return { results: await verify() };
    },
    'snippets.add': async ({ slot, language, code }) => {
      const { dir } = requireWorkspace(session);
      await addSnippet(dir, slot, code, language);
      return { ok: true as const };
    },
    'package.plan': async () => {
      const { dir, workspace } = await refreshWorkspace(session);
      const maxBytes = Math.floor(workspace.package.maxMb * MB);
      const pkgDir = path.join(outputDir(dir), 'package');
      const built = await readPackageIndex(pkgDir);
      const plan = planPackage(workspace, await collectEvidence(dir), { snippets: await listSnippets(dir) });
      if (built?.files.length) {
        return {
          maxBytes,
          outputDir: pkgDir,
          files: built.files.map((f) => builtFile(f, plan)),
          warnings: built.warnings,
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
        warnings: plan.files.flatMap((f) => f.missing.map((m) => `${f.title}: ${m}`)),
      };
    },
    'package.build': async () => {
      const { dir, workspace } = await refreshWorkspace(session);
      const result = await buildPackage(dir, {
        secrets: await secretsFor(host, dir),
        checks: await checksFor(dir),
        format: 'both',
      });
      const plan = planPackage(workspace, await collectEvidence(dir), { snippets: await listSnippets(dir) });
      return {
        maxBytes: Math.floor(workspace.package.maxMb * MB),
        outputDir: result.outDir,
        files: result.files.map((f) => builtFile(f, plan)),
        warnings: result.warnings,
      };
    },
    'package.openFolder': async () => {
      const { dir } = requireWorkspace(session);
      const out = outputDir(dir);
      await fs.mkdir(out, { recursive: true });
      return { path: out, opened: await host.openPath(out) };
    },
    'email.draft': async () => {
      const { result, body } = await email();
      const attachments = await Promise.all(
        result.attachments.map(async (p) => ({ name: path.basename(p), bytes: await fileSize(p) })),
      );
      return { to: result.to ?? SIGNOFF_EMAIL.to, subject: result.subject, body, attachments, mailto: result.mailto };
    },
    'email.saveEml': async () => {
      const { result } = await email();
      return { path: result.emlPath, bytes: await fileSize(result.emlPath) };
    },
  };
}
