import path from 'node:path';
import { writeSignoffEmail } from '../../email/index';
import { CertkitError } from '../../errors';
import { refuseWhileBlocked, signoffStatus } from '../../signoff/index';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';

const USAGE = 'email <workspace> [--draft] [--mail-limit-mb 25]';

export const emailCommand = defineCommand({
  name: 'email',
  summary:
    'Write the sign-off email (.eml, plain text, mailto: link) for the package last built; refused while anything blocks sign-off, unless --draft',
  usage: USAGE,
  options: {
    draft: {
      type: 'boolean',
      description: 'write it even though something blocks sign-off; subject, text and file names say DRAFT',
    },
    'mail-limit-mb': {
      type: 'string',
      description: "your mail server's size limit in MB; the package goes inside the .eml only below it (default 25)",
    },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const limitText = stringOpt(args, 'mail-limit-mb');
    if (limitText !== undefined && !(Number(limitText) > 0))
      throw new CertkitError(`--mail-limit-mb ${limitText} is not a positive number`, {
        hint: 'e.g. --mail-limit-mb 25',
      });
    const draft = !!args.values.draft;
    const secrets = secretsFromEnv(ctx.env);
    const { state, report } = await signoffStatus(workspaceDir, {
      secrets,
      appleSecrets: secretsFromEnv(ctx.env, 'CERTKIT_APPLE_'),
    });
    if (!draft) refuseWhileBlocked(state.blockers, 'email');
    const email = await writeSignoffEmail(workspaceDir, {
      checks: report.results,
      verification: { verifiedAt: state.verifiedAt, probedAt: state.probedAt },
      draft,
      blockers: state.blockers,
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
    if (draft && state.blockers.length)
      ctx.stdout.write(`DRAFT: ${state.blockers.length} item(s) block sign-off (listed at the top of the email)\n`);
    return 0;
  },
});
