import { INTEGRATION_TYPES, type IntegrationType } from '../../../../shared/aps/checkpoints';
import { METHOD_IDS, type MethodId } from '../../../../shared/aps/methods';
import { CertkitError } from '../../errors';
import type { SettingChange } from '../../workspace/settings';
import { initWorkspace, workspaceFile } from '../../workspace/workspace';
import { defineCommand, listOpt, stringOpt, workspaceArg, type ParsedArgs } from '../command';

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

/** Options that set one value of certkit.json each, checked as `certkit config` checks them. */
const SETTING_FLAGS: Record<string, { key: string; description: string }> = {
  'store-url': {
    key: 'store.baseUrl',
    description: 'where the shop starts (store.baseUrl); flows use it as {{baseUrl}}',
  },
  'return-url': { key: 'store.returnUrl', description: 'the return_url the shop sends to APS (store.returnUrl)' },
  environment: {
    key: 'account.environment',
    description: 'simulator, sandbox or production (account.environment; default sandbox)',
  },
  'payment-page-url': {
    key: 'aps.paymentPage',
    description:
      "APS's paymentPage endpoint (aps.paymentPage); needed for simulator, from `certkit sandbox`'s JSON line",
  },
  'payment-api-url': {
    key: 'aps.paymentApi',
    description: "APS's paymentApi endpoint (aps.paymentApi); needed for simulator, from `certkit sandbox`'s JSON line",
  },
  'merchant-id': { key: 'account.merchantIdentifier', description: 'the APS merchant identifier (not a secret)' },
};

function settingChanges(args: ParsedArgs): SettingChange[] {
  return Object.entries(SETTING_FLAGS).flatMap(([flag, { key }]) => {
    const value = stringOpt(args, flag);
    return value === undefined ? [] : [{ key, value, label: `--${flag}` }];
  });
}

const USAGE =
  'init <dir> [--account NAME] [--methods VISA,MADA,...] [--integration hosted,custom_non_pci,...] [--features installments,saved_cards,recurring] [--store-url URL] [--return-url URL] [--environment simulator|sandbox|production] [--payment-page-url URL --payment-api-url URL] [--merchant-id ID]';

export const initCommand = defineCommand({
  name: 'init',
  summary: 'Create a workspace folder with a certkit.json',
  usage: USAGE,
  options: {
    account: { type: 'string', description: 'the APS account name; it goes into the sign-off email subject' },
    methods: { type: 'string', description: `comma-separated payment methods: ${METHOD_IDS.join(', ')}` },
    integration: { type: 'string', description: `comma-separated integration types: ${INTEGRATION_TYPES.join(', ')}` },
    features: {
      type: 'string',
      description: 'comma-separated optional features: installments, saved_cards, recurring',
    },
    ...Object.fromEntries(
      Object.entries(SETTING_FLAGS).map(([flag, f]) => [flag, { type: 'string' as const, description: f.description }]),
    ),
    force: { type: 'boolean', description: 'replace a certkit.json already in the folder' },
  },
  async run(args, ctx) {
    const target = workspaceArg(args, ctx, USAGE);
    const features =
      pick(listOpt(args, 'features'), ['installments', 'saved_cards', 'recurring'] as const, '--features') ?? [];
    const changes = settingChanges(args);
    const environment = stringOpt(args, 'environment');
    if (environment === 'simulator' && (!stringOpt(args, 'payment-page-url') || !stringOpt(args, 'payment-api-url')))
      throw new CertkitError("--environment simulator needs the simulator's endpoints", {
        hint: 'add --payment-page-url and --payment-api-url with the paymentPage and paymentApi URLs `certkit sandbox` prints',
      });
    const base = {
      account: stringOpt(args, 'account'),
      methods: pick<MethodId>(listOpt(args, 'methods'), METHOD_IDS, '--methods'),
      integrationTypes: pick<IntegrationType>(listOpt(args, 'integration'), INTEGRATION_TYPES, '--integration'),
      features: {
        installments: features.includes('installments'),
        savedCards: features.includes('saved_cards'),
        recurring: features.includes('recurring'),
      },
      overwrite: !!args.values.force,
      settings: changes,
    };
    const ws = await initWorkspace(target, base);
    ctx.stdout.write(
      `Created ${workspaceFile(target)} for "${ws.account.name}" (${ws.account.environment})\nNext: certkit plan ${args.positionals[0]}\n`,
    );
    return 0;
  },
});
