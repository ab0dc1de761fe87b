import path from 'node:path';
import { INPUT_LIMITS } from '../../../../shared/limits';
import { attachScreen } from '../../capture/attach';
import { readBoundedFile } from '../../read-input';
import { CertkitError, errorMessage } from '../../errors';
import { defineCommand, requiredOpt, stringOpt, workspaceArg } from '../command';

const USAGE = 'attach <workspace> --scenario ID --slot SLOT <image.png|jpg> [--url URL_OR_APP_SCREEN] [--note TEXT]';

export const attachCommand = defineCommand({
  name: 'attach',
  summary: 'Import a screen Certkit cannot capture (mobile app, Safari Apple Pay sheet) as evidence of a scenario',
  usage: USAGE,
  positionals: 2,
  options: {
    scenario: { type: 'string', description: 'the scenario the screen is evidence of' },
    slot: { type: 'string', description: 'the screenshot slot it fills (certkit plan lists each scenario’s slots)' },
    url: { type: 'string', description: 'the URL the screen shows, or the app screen (drawn in its header)' },
    note: {
      type: 'string',
      description: 'where the screen comes from (drawn in its header and listed in the package)',
    },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const scenarioId = requiredOpt(args, 'scenario', USAGE);
    const slot = requiredOpt(args, 'slot', USAGE);
    const file = args.positionals[1];
    if (!file) throw new CertkitError('attach needs the image file', { hint: `usage: certkit ${USAGE}` });
    const image = await readBoundedFile(path.resolve(ctx.cwd, file), {
      what: file,
      maxBytes: INPUT_LIMITS.screenshotBytes,
      hint: 'export the screen as PNG or JPEG at its own size',
    }).catch((err: unknown) => {
      if (err instanceof CertkitError) throw err;
      throw new CertkitError(`cannot read ${file}: ${errorMessage(err)}`, { hint: 'check the path to the image' });
    });
    const { evidence, shot, missingSlots } = await attachScreen({
      workspaceDir,
      scenarioId,
      slot,
      image,
      sourceName: file,
      url: stringOpt(args, 'url'),
      note: stringOpt(args, 'note'),
    });
    ctx.stdout.write(
      `${scenarioId}: ${slot} imported as ${shot.file} (${shot.width}x${shot.height}, metadata dropped) in run ${evidence.runId}\n`,
    );
    if (missingSlots.length) ctx.stdout.write(`still to import for ${scenarioId}: ${missingSlots.join(', ')}\n`);
    if (!evidence.ledger.values.merchant_reference)
      ctx.stdout.write(
        `enter its merchant reference: certkit ledger ${args.positionals[0]} --scenario ${scenarioId} --set merchant_reference=...\n`,
      );
    return 0;
  },
});
