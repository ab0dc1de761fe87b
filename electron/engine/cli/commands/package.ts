import path from 'node:path';
import { CertkitError } from '../../errors';
import { buildPackage, type PackageFormat } from '../../package/index';
import { verifyIfAvailable } from '../../package/verify-link';
import { packageGate, refuseWhileBlocked, signoffStatus } from '../../signoff/index';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';
import { formatBytes, table } from '../format';

const USAGE = 'package <workspace> [--draft] [--out DIR] [--max-mb 20] [--format zip|pdf|both]';

export const packageCommand = defineCommand({
  name: 'package',
  summary:
    'Build the certification package (.zip/.pdf, each within the size limit) and the offline report; refused while anything blocks sign-off, unless --draft',
  usage: USAGE,
  options: {
    draft: {
      type: 'boolean',
      description:
        'build even though something blocks sign-off; file names start with DRAFT_ and the cover lists what blocks it',
    },
    out: { type: 'string', description: 'folder to build into (default: <workspace>/output/package, replaced whole)' },
    'max-mb': { type: 'string', description: 'largest size of one file in MB (default: package.maxMb, 20)' },
    format: { type: 'string', description: 'zip, pdf or both (default: both)' },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const maxText = stringOpt(args, 'max-mb');
    const maxMb = maxText === undefined ? undefined : Number(maxText);
    if (maxText !== undefined && !(Number(maxText) > 0))
      throw new CertkitError(`--max-mb ${maxText} is not a positive number`, { hint: 'e.g. --max-mb 20' });
    const format = stringOpt(args, 'format') as PackageFormat | undefined;
    if (format && !['zip', 'pdf', 'both'].includes(format))
      throw new CertkitError(`--format ${format} is not known`, { hint: 'use zip, pdf or both' });
    const draft = !!args.values.draft;
    const secrets = secretsFromEnv(ctx.env);
    const appleSecrets = secretsFromEnv(ctx.env, 'CERTKIT_APPLE_');
    // A draft may be built even when verification itself fails; a final package never is.
    const signoff = draft
      ? await signoffStatus(workspaceDir, { secrets, appleSecrets }).catch((err: unknown) => {
          ctx.stderr.write(`warning: checklist not verified: ${(err as Error).message}\n`);
          return undefined;
        })
      : await signoffStatus(workspaceDir, { secrets, appleSecrets });
    const blockers = signoff ? packageGate(signoff.state) : [];
    if (!draft) refuseWhileBlocked(blockers, 'package');
    const checks = signoff?.report.results ?? (await verifyIfAvailable(workspaceDir, secrets));
    const out = stringOpt(args, 'out');
    const result = await buildPackage(workspaceDir, {
      outDir: out ? path.resolve(ctx.cwd, out) : undefined,
      maxMb,
      format,
      checks,
      verification: signoff && { verifiedAt: signoff.state.verifiedAt, probedAt: signoff.state.probedAt },
      draft,
      blockers,
      secrets,
      browserEnv: ctx.env,
      onProgress: (m) => ctx.stderr.write(`${m}\n`),
    });
    ctx.stdout.write(
      table(
        ['file', 'size', 'parts'],
        result.files.map((f) => [path.relative(ctx.cwd, f.path) || f.path, formatBytes(f.bytes), String(f.parts)]),
      ),
    );
    ctx.stdout.write(`report: ${result.reportPath}\n`);
    if (!checks) ctx.stdout.write('checklist not verified (no verification results)\n');
    if (draft)
      ctx.stdout.write(
        blockers.length
          ? `DRAFT: ${blockers.length} item(s) block sign-off (listed on the cover and in the report)\n`
          : 'DRAFT: nothing blocks sign-off now; build without --draft for the final package\n',
      );
    for (const w of result.warnings) ctx.stderr.write(`warning: ${w}\n`);
    return 0;
  },
});
