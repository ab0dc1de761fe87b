import { CATALOG } from '../../../../shared/aps/catalog-index';
import { buildPlan } from '../../../../shared/plan';
import { requireCatalogScenario } from '../../catalog-scenario';
import { CertkitError } from '../../errors';
import { collectEvidence, scenarioRuns } from '../../evidence/store';
import { pinRun } from '../../workspace/pins';
import { loadWorkspace } from '../../workspace/workspace';
import { defineCommand, stringOpt, workspaceArg } from '../command';
import { table } from '../format';

const USAGE =
  'pin <workspace> [--scenario ID]\n  pin <workspace> --scenario ID --run RUN_ID\n  pin <workspace> --scenario ID --latest';

export const pinCommand = defineCommand({
  name: 'pin',
  summary:
    "Choose the run whose evidence speaks for a scenario (default: its newest run, passed or not); without --run or --latest, list the scenario's runs",
  usage: USAGE,
  options: {
    scenario: { type: 'string', description: 'the scenario to pin, unpin or list the runs of' },
    run: { type: 'string', description: 'the run to pin it to (a folder name under runs/)' },
    latest: { type: 'boolean', description: 'drop the pin: the newest run speaks for the scenario again' },
  },
  async run(args, ctx) {
    const dir = workspaceArg(args, ctx, USAGE);
    const scenarioId = stringOpt(args, 'scenario');
    const runId = stringOpt(args, 'run');
    if ((runId || args.values.latest) && !scenarioId)
      throw new CertkitError('--run and --latest need --scenario ID', {
        hint: `certkit ${USAGE.split('\n')[1].trim()}`,
      });
    if (runId && args.values.latest)
      throw new CertkitError('--run and --latest contradict each other', {
        hint: 'give --run RUN_ID to pin, or --latest to unpin',
      });
    if (scenarioId && (runId || args.values.latest)) {
      const ws = await pinRun(dir, scenarioId, runId);
      ctx.stdout.write(
        runId
          ? `${scenarioId}: evidence from run ${runId} (pinned)\n`
          : `${scenarioId}: evidence from its newest run (${ws.pins ? 'other pins kept' : 'no pins left'})\n`,
      );
      return 0;
    }
    const workspace = await loadWorkspace(dir);
    const evidence = await collectEvidence(dir, { pins: workspace.pins ?? {} });
    if (scenarioId) {
      requireCatalogScenario(scenarioId);
      const used = evidence.byScenario.get(scenarioId)?.runId;
      const runs = await scenarioRuns(dir, scenarioId);
      if (!runs.length) {
        ctx.stdout.write(`${scenarioId} has not run yet\n`);
        return 0;
      }
      ctx.stdout.write(
        table(
          ['RUN', 'STATUS', 'AT', 'USED'],
          runs.map((r) => [
            r.runId,
            r.status,
            r.at,
            r.runId === used ? (workspace.pins?.[scenarioId] ? 'pinned' : 'newest') : '',
          ]),
        ),
      );
      return 0;
    }
    const rows = buildPlan(workspace).scenarios.map((s) => {
      const choice = evidence.choices.get(s.id);
      const ev = evidence.byScenario.get(s.id);
      const broken = evidence.brokenPins.find((p) => p.scenarioId === s.id);
      return [
        s.id,
        broken ? `${broken.runId} (pinned, holds no evidence of it)` : (choice?.runId ?? '-'),
        ev?.status ?? 'not run',
        choice?.pinned
          ? `pinned${choice.newest ? `; newer run ${choice.newest.runId} ${choice.newest.status}` : ''}`
          : '',
      ];
    });
    rows.sort((a, b) => CATALOG.scenarios.order(a[0]) - CATALOG.scenarios.order(b[0]));
    ctx.stdout.write(table(['SCENARIO', 'EVIDENCE FROM RUN', 'STATUS', 'PIN'], rows));
    return 0;
  },
});
