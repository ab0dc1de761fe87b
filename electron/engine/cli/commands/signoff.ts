import { blockerLines, signoffStatus } from '../../signoff/index';
import { defineCommand, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';
import { formatScenarios } from './verify';

const USAGE = 'signoff <workspace> [--json]';

export const signoffCommand = defineCommand({
  name: 'signoff',
  summary: 'Say whether the workspace is ready for sign-off, and list what still blocks it with the fix for each',
  usage: USAGE,
  options: { json: { type: 'boolean', description: 'print the sign-off state as JSON (what the app shows)' } },
  async run(args, ctx) {
    const dir = workspaceArg(args, ctx, USAGE);
    const { state } = await signoffStatus(dir, {
      secrets: secretsFromEnv(ctx.env),
      appleSecrets: secretsFromEnv(ctx.env, 'CERTKIT_APPLE_'),
    });
    if (args.values.json) {
      ctx.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
      return state.ready ? 0 : 1;
    }
    ctx.stdout.write(formatScenarios(state.scenarios));
    ctx.stdout.write(
      state.ready
        ? '\nReady for sign-off: every scenario passed, every checkpoint passed or is confirmed, and the package is current.\n'
        : `\n${state.blockers.length} item(s) block sign-off:\n${blockerLines(state.blockers).join('\n')}\n`,
    );
    return state.ready ? 0 : 1;
  },
});
