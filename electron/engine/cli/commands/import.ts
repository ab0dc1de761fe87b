import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError } from '../../errors';
import { importFlow } from '../../capture/flow-import';
import { defineCommand, stringOpt } from '../command';

export const importCommand = defineCommand({
  name: 'import',
  summary: 'Import a Chrome DevTools Recorder JSON as the flow of one scenario',
  usage: 'import <workspace> <recording.json> --scenario ID',
  options: { scenario: { type: 'string' } },
  async run(args, ctx) {
    const [dirArg, fileArg] = args.positionals;
    const scenarioId = stringOpt(args, 'scenario');
    if (!dirArg || !fileArg || !scenarioId) {
      throw new CertkitError('import needs a workspace, a recording and --scenario', {
        hint: 'certkit import <workspace> <recording.json> --scenario card-3ds-success',
      });
    }
    const source = path.resolve(ctx.cwd, fileArg);
    const text = await fs.readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CertkitError(
        `cannot read recording ${source}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
        {
          hint: 'give the path of the JSON exported from Chrome DevTools > Recorder > Export > JSON',
        },
      );
    });
    const result = await importFlow(path.resolve(ctx.cwd, dirArg), scenarioId, text, fileArg);
    ctx.stdout.write(`${scenarioId}: flow stored as ${result.file}\n`);
    for (const r of result.replaced) ctx.stdout.write(`  step ${r.step}: typed value replaced by ${r.placeholder}\n`);
    ctx.stdout.write(
      `Tag the steps that show each required page with {"certkit": {"slot": "..."}}; \`certkit plan ${dirArg}\` lists the slots.\n`,
    );
    return 0;
  },
});
