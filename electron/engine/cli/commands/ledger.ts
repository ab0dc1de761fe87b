import { CATALOG } from '../../../../shared/aps/catalog-index';
import { LEDGER_FIELDS } from '../../../../shared/schema/evidence';
import { editLedgerValue } from '../../capture/ledger-edit';
import { requireCatalogScenario } from '../../catalog-scenario';
import { CertkitError } from '../../errors';
import { collectEvidence } from '../../evidence/store';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { table } from '../format';

const SHOWN = ['merchant_reference', 'fort_id', 'response_code', 'status', 'amount', 'currency'] as const;

function assignments(raw: unknown): { field: string; value: string }[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((item) => {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0)
      throw new CertkitError(`--set ${text} is not FIELD=VALUE`, {
        hint: `e.g. --set merchant_reference=ORD-1001 (fields: ${LEDGER_FIELDS.join(', ')})`,
      });
    return { field: text.slice(0, eq).trim(), value: text.slice(eq + 1) };
  });
}

const USAGE =
  'ledger <workspace> [--json]\n  ledger <workspace> --scenario ID [--set FIELD=VALUE]... [--clear FIELD]... [--run RUN_ID]';

export const ledgerCommand = defineCommand({
  name: 'ledger',
  summary: 'Show the merchant references and other ledger values per scenario, or enter one by hand',
  usage: USAGE,
  options: {
    json: { type: 'boolean', description: 'print the ledger as JSON' },
    scenario: { type: 'string', description: 'the scenario to show or edit' },
    set: {
      type: 'string',
      multiple: true,
      description: 'FIELD=VALUE to enter by hand (marked as entered by hand); repeatable',
    },
    clear: { type: 'string', multiple: true, description: 'FIELD to remove; repeatable' },
    run: { type: 'string', description: 'edit this run of the scenario (default: the run its evidence comes from)' },
  },
  async run(args, ctx) {
    const dir = workspaceArg(args, ctx, USAGE);
    const scenarioId = stringOpt(args, 'scenario');
    const sets = assignments(args.values.set);
    const clears = ((args.values.clear as string[] | undefined) ?? []).map((field) => ({ field, value: '' }));
    if ((sets.length || clears.length) && !scenarioId) {
      throw new CertkitError('--set and --clear need --scenario ID', {
        hint: 'certkit ledger <workspace> --scenario knet-success --set knet_ref_number=123456',
      });
    }
    if (scenarioId) requireCatalogScenario(scenarioId);
    for (const { field, value } of [...sets, ...clears]) {
      await editLedgerValue(dir, scenarioId!, field, value, stringOpt(args, 'run'));
      ctx.stderr.write(value ? `${scenarioId}: ${field} set by hand\n` : `${scenarioId}: ${field} removed\n`);
    }
    const { byScenario } = await collectEvidence(dir);
    const evidence = [...byScenario.values()]
      .filter((ev) => !scenarioId || ev.scenarioId === scenarioId)
      .sort((a, b) => CATALOG.scenarios.order(a.scenarioId) - CATALOG.scenarios.order(b.scenarioId));
    if (args.values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          evidence.map((ev) => ({ scenarioId: ev.scenarioId, runId: ev.runId, status: ev.status, ledger: ev.ledger })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    if (!evidence.length) {
      ctx.stdout.write(
        `no evidence yet${scenarioId ? ` for ${scenarioId}` : ''}; run the scenarios first (certkit run ${args.positionals[0]})\n`,
      );
      return 0;
    }
    // A value entered by hand carries a star, as it does in the package's reference list.
    const cell = (ev: (typeof evidence)[number], f: (typeof SHOWN)[number]) => {
      const v = ev.ledger.values[f];
      return v === undefined ? '' : `${v}${ev.ledger.sources[f] === 'manual' ? ' *' : ''}`;
    };
    ctx.stdout.write(
      table(
        ['SCENARIO', 'RUN', ...SHOWN.map((f) => f.toUpperCase())],
        evidence.map((ev) => [ev.scenarioId, ev.runId, ...SHOWN.map((f) => cell(ev, f))]),
      ),
    );
    if (evidence.some((ev) => Object.values(ev.ledger.sources).includes('manual')))
      ctx.stdout.write('* entered by hand\n');
    return 0;
  },
});
