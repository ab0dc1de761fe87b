import { CertkitError } from '../../errors';
import { applySettings, settableKeys, settingText } from '../../workspace/settings';
import { loadWorkspace, saveWorkspace } from '../../workspace/workspace';
import { defineCommand, workspaceArg } from '../command';

const USAGE = 'config <workspace> [key=value ...]';

export const configCommand = defineCommand({
  name: 'config',
  summary:
    'Set values of certkit.json by dotted path (e.g. store.baseUrl=https://shop.example/), checked against the workspace format; without pairs, list the settable keys and their values',
  usage: USAGE,
  options: {},
  async run(args, ctx) {
    const dir = workspaceArg(args, ctx, USAGE);
    const pairs = args.positionals.slice(1);
    const workspace = await loadWorkspace(dir);
    if (!pairs.length) {
      for (const key of settableKeys()) ctx.stdout.write(`${key}=${settingText(workspace, key)}\n`);
      return 0;
    }
    const changes = pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new CertkitError(`"${pair}" is not key=value`, {
          hint: 'e.g. certkit config <workspace> store.baseUrl=https://shop.example/ account.environment=sandbox',
        });
      return { key: pair.slice(0, eq).trim(), value: pair.slice(eq + 1) };
    });
    // Every pair is checked before anything is written: one bad value leaves the file as it was.
    const next = applySettings(workspace, changes);
    const saved = await saveWorkspace(dir, next);
    for (const c of changes)
      ctx.stdout.write(`${c.key}: ${settingText(workspace, c.key)} -> ${settingText(saved, c.key)}\n`);
    return 0;
  },
});
