import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError } from '../../errors';
import { importFlow } from '../../capture/flow-import';
import { defineCommand, requiredOpt, workspaceArg } from '../command';

const USAGE = 'import <workspace> <recording.json> --scenario ID';

export const importCommand = defineCommand({
  name: 'import',
  summary: 'Import a Chrome DevTools Recorder JSON as the flow of one scenario',
  usage: USAGE,
  options: { scenario: { type: 'string', description: 'the scenario id the flow is for (see certkit plan)' } },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const fileArg = args.positionals[1];
    if (!fileArg) throw new CertkitError('no recording file given', { hint: `certkit ${USAGE}` });
    const scenarioId = requiredOpt(args, 'scenario', USAGE);
    const source = path.resolve(ctx.cwd, fileArg);
    const text = await fs.readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CertkitError(
        `cannot read recording ${source}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
        {
          hint: 'give the path of the JSON exported from Chrome DevTools > Recorder > Export > JSON',
        },
      );
    });
    const result = await importFlow(workspaceDir, scenarioId, text, fileArg);
    ctx.stdout.write(`${scenarioId}: flow stored as ${result.file}\n`);
    for (const r of result.replaced) ctx.stdout.write(`  step ${r.step}: typed value replaced by ${r.placeholder}\n`);
    ctx.stdout.write(
      `Tag the steps that show each required page with {"certkit": {"slot": "..."}}; \`certkit plan ${args.positionals[0]}\` lists the slots.\n`,
    );
    return 0;
  },
});
