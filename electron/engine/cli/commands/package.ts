import path from 'node:path';
import { CertkitError } from '../../errors';
import { buildPackage, type PackageFormat } from '../../package/index';
import { verifyIfAvailable } from '../../package/verify-link';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';
import { formatBytes, table } from '../format';

const USAGE = 'package <workspace> [--out DIR] [--max-mb 20] [--format zip|pdf|both]';

export const packageCommand = defineCommand({
  name: 'package',
  summary: 'Build the certification package (.zip/.pdf, each within the size limit) and the offline report',
  usage: USAGE,
  options: { out: { type: 'string' }, 'max-mb': { type: 'string' }, format: { type: 'string' } },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const maxText = stringOpt(args, 'max-mb');
    const maxMb = maxText === undefined ? undefined : Number(maxText);
    if (maxText !== undefined && !(Number(maxText) > 0))
      throw new CertkitError(`--max-mb ${maxText} is not a positive number`, { hint: 'e.g. --max-mb 20' });
    const format = stringOpt(args, 'format') as PackageFormat | undefined;
    if (format && !['zip', 'pdf', 'both'].includes(format))
      throw new CertkitError(`--format ${format} is not known`, { hint: 'use zip, pdf or both' });
    const secrets = secretsFromEnv(ctx.env);
    const checks = await verifyIfAvailable(workspaceDir, secrets, (m) => ctx.stderr.write(`warning: ${m}\n`));
    const out = stringOpt(args, 'out');
    const result = await buildPackage(workspaceDir, {
      outDir: out ? path.resolve(ctx.cwd, out) : undefined,
      maxMb,
      format,
      checks,
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
    for (const w of result.warnings) ctx.stderr.write(`warning: ${w}\n`);
    return 0;
  },
});
