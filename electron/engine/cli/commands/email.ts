import path from 'node:path';
import { writeSignoffEmail } from '../../email/index';
import { CertkitError } from '../../errors';
import { verifyIfAvailable } from '../../package/verify-link';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';

const USAGE = 'email <workspace> [--mail-limit-mb 25]';

export const emailCommand = defineCommand({
  name: 'email',
  summary: 'Write the sign-off email (.eml, plain text, mailto: link) for the package last built',
  usage: USAGE,
  options: { 'mail-limit-mb': { type: 'string' } },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const limitText = stringOpt(args, 'mail-limit-mb');
    if (limitText !== undefined && !(Number(limitText) > 0))
      throw new CertkitError(`--mail-limit-mb ${limitText} is not a positive number`, {
        hint: 'e.g. --mail-limit-mb 25',
      });
    const secrets = secretsFromEnv(ctx.env);
    const email = await writeSignoffEmail(workspaceDir, {
      checks: await verifyIfAvailable(workspaceDir, secrets, (m) => ctx.stderr.write(`warning: ${m}\n`)),
      mailLimitMb: limitText ? Number(limitText) : undefined,
      secrets,
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
