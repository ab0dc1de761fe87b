import path from 'node:path';
import { writeSignoffEmail } from '../../email/index';
import { CertkitError } from '../../errors';
import { verifyIfAvailable } from '../../package/verify-link';
import { secretsFromEnv } from '../../workspace/secrets';
import { promises as fs } from 'node:fs';
import { defineCommand, stringOpt } from '../command';
import { formatBytes } from '../format';
import type { DemoStep } from './demo';

export const emailCommand = defineCommand({
  name: 'email',
  summary: 'Write the sign-off email (.eml, plain text, mailto: link) for the package last built',
  usage: 'email <workspace> [--mail-limit-mb 25]',
  options: { 'mail-limit-mb': { type: 'string' } },
  async run(args, ctx) {
    const dir = args.positionals[0];
    if (!dir) throw new CertkitError('no workspace folder given', { hint: 'run `certkit email <workspace>`' });
    const limitText = stringOpt(args, 'mail-limit-mb');
    if (limitText !== undefined && !(Number(limitText) > 0))
      throw new CertkitError(`--mail-limit-mb ${limitText} is not a positive number`, {
        hint: 'e.g. --mail-limit-mb 25',
      });
    const workspaceDir = path.resolve(ctx.cwd, dir);
    const email = await writeSignoffEmail(workspaceDir, {
      checks: await verifyIfAvailable(workspaceDir, secretsFromEnv(ctx.env), (m) =>
        ctx.stderr.write(`warning: ${m}\n`),
      ),
      mailLimitMb: limitText ? Number(limitText) : undefined,
    });
    ctx.stdout.write(
      `to:      ${email.to}\nsubject: ${email.subject}\n.eml:    ${email.emlPath}\ntext:    ${email.textPath}\n`,
    );
    ctx.stdout.write(
      email.attachmentsInline
        ? `attachments inside the .eml: ${email.attachments.map((a) => path.basename(a)).join(', ')}\n`
        : `attach by hand (over the mail limit or no package yet): ${email.attachments.map((a) => path.basename(a)).join(', ') || 'none'}\n`,
    );
    return 0;
  },
});

/** The demo's last step: writes the sign-off email for the package the previous step built. */
export const emailDemoStep: DemoStep = {
  name: 'email',
  async run(state) {
    const email = await writeSignoffEmail(state.dir, { checks: state.checks, pkg: state.pkg, secrets: state.secrets });
    const size = async (p: string) => (await fs.stat(p)).size;
    state.ctx.stdout.write(
      `email ${email.emlPath} (${formatBytes(await size(email.emlPath))}, attachments ${email.attachmentsInline ? 'inside' : 'to add by hand'})\n`,
    );
    state.ctx.stdout.write(`email text ${email.textPath} (${formatBytes(await size(email.textPath))})\n`);
  },
};
