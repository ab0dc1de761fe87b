import { INTEGRATION_TYPES, type IntegrationType } from '../../../../shared/aps/checkpoints';
import { METHOD_IDS, type MethodId } from '../../../../shared/aps/methods';
import { CertkitError } from '../../errors';
import { initWorkspace, workspaceFile } from '../../workspace/workspace';
import { defineCommand, listOpt, stringOpt, workspaceArg } from '../command';

function pick<T extends string>(values: string[] | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (!values) return undefined;
  const upper = flag === '--methods';
  const out = values.map((v) => (upper ? v.toUpperCase().replace(/[- ]/g, '_') : v.toLowerCase().replace(/-/g, '_')));
  const bad = out.filter((v) => !(allowed as readonly string[]).includes(v));
  if (bad.length)
    throw new CertkitError(`${flag}: unknown value ${bad.map((b) => `"${b}"`).join(', ')}`, {
      hint: `choose from ${allowed.join(', ')}`,
    });
  return out as T[];
}

const USAGE =
  'init <dir> [--account NAME] [--methods VISA,MADA,...] [--integration hosted,custom_non_pci,...] [--features installments,saved_cards,recurring]';

export const initCommand = defineCommand({
  name: 'init',
  summary: 'Create a workspace folder with a certkit.json',
  usage: USAGE,
  options: {
    account: { type: 'string' },
    methods: { type: 'string' },
    integration: { type: 'string' },
    features: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(args, ctx) {
    const target = workspaceArg(args, ctx, USAGE);
    const features =
      pick(listOpt(args, 'features'), ['installments', 'saved_cards', 'recurring'] as const, '--features') ?? [];
    const ws = await initWorkspace(target, {
      account: stringOpt(args, 'account'),
      methods: pick<MethodId>(listOpt(args, 'methods'), METHOD_IDS, '--methods'),
      integrationTypes: pick<IntegrationType>(listOpt(args, 'integration'), INTEGRATION_TYPES, '--integration'),
      features: {
        installments: features.includes('installments'),
        savedCards: features.includes('saved_cards'),
        recurring: features.includes('recurring'),
      },
      overwrite: !!args.values.force,
    });
    ctx.stdout.write(
      `Created ${workspaceFile(target)} for "${ws.account.name}"\nNext: certkit plan ${args.positionals[0]}\n`,
    );
    return 0;
  },
});
