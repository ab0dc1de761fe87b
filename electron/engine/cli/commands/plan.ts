import { buildPlan, slotsForScenario } from '../../../../shared/plan';
import { loadWorkspace } from '../../workspace/workspace';
import { defineCommand, workspaceArg } from '../command';
import { table } from '../format';

const USAGE = 'plan <workspace> [--json]';

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'Print the scenario matrix, screenshot slots and checkpoints a workspace needs',
  usage: USAGE,
  options: { json: { type: 'boolean', description: 'print the plan as JSON' } },
  async run(args, ctx) {
    const ws = await loadWorkspace(workspaceArg(args, ctx, USAGE));
    const plan = buildPlan(ws);
    if (args.values.json) {
      ctx.stdout.write(
        `${JSON.stringify(
          {
            account: ws.account.name,
            scenarios: plan.scenarios.map((s) => ({ ...s, slots: slotsForScenario(s, ws) })),
            slots: plan.slots.map((s) => ({ ...s.slot, scenarios: s.scenarios })),
            checkpoints: plan.checkpoints,
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    ctx.stdout.write(
      `Plan for "${ws.account.name}" (${ws.integrationTypes.join(', ')}; ${ws.methods.join(', ')})\n\nScenarios\n`,
    );
    ctx.stdout.write(
      table(
        ['scenario', 'method', 'outcome', 'lang', 'needed', 'records', 'slots'],
        plan.scenarios.map((s) => [
          s.id,
          s.method,
          s.outcome,
          s.language,
          s.requirement,
          s.records.join(','),
          String(slotsForScenario(s, ws).length),
        ]),
      ),
    );
    ctx.stdout.write('\nScreenshot slots\n');
    ctx.stdout.write(
      table(
        ['slot', 'checklist name', 'filled by'],
        plan.slots.map((s) => [s.slot.id, s.slot.checklistName, s.scenarios.join(',') || '(you supply it)']),
      ),
    );
    ctx.stdout.write('\nCheckpoints\n');
    ctx.stdout.write(
      table(
        ['checkpoint', 'proof', 'title'],
        plan.checkpoints.map((c) => [c.id, c.proof, c.title]),
      ),
    );
    ctx.stdout.write(
      `\n${plan.scenarios.length} scenarios, ${plan.slots.length} slots, ${plan.checkpoints.length} checkpoints\n`,
    );
    return 0;
  },
});
