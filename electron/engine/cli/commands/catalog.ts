import * as catalog from '../../../../shared/aps/catalog';
import { defineCommand } from '../command';
import { table } from '../format';

export const catalogCommand = defineCommand({
  name: 'catalog',
  summary:
    'Print the APS catalog: methods, scenarios, screenshot slots, checkpoints, sign-off email (--json: also the request parameter tables)',
  usage: 'catalog [--json]',
  options: {
    json: { type: 'boolean', description: 'print the whole catalog as JSON, request parameter tables included' },
  },
  async run(args, ctx) {
    const data = {
      methods: Object.values(catalog.PAYMENT_METHODS),
      scenarios: catalog.SCENARIOS,
      slots: catalog.SCREENSHOT_SLOTS,
      integrationTypes: Object.values(catalog.INTEGRATION_TYPE_INFO),
      checkpoints: catalog.CHECKPOINTS,
      testCards: catalog.TEST_CARDS,
      localTestValues: catalog.LOCAL_TEST_VALUES,
      signoffEmail: catalog.SIGNOFF_EMAIL,
      requests: catalog.describeRequests(),
      paramFamilies: Object.values(catalog.PARAM_FAMILIES),
    };
    if (args.values.json) {
      ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      return 0;
    }
    ctx.stdout.write('Payment methods\n');
    ctx.stdout.write(
      table(
        ['method', 'country', 'currency', 'decimals', 'commands', 'languages', 'reached by', 'packed'],
        data.methods.map((m) => [
          m.id,
          m.country ?? '-',
          m.currencies?.join(',') ?? 'any',
          m.currencies ? String(catalog.currencyDecimals(m.currencies[0])) : '-',
          m.commands.join(','),
          m.languages.join('+'),
          m.channels.join(','),
          m.packing,
        ]),
      ),
    );
    ctx.stdout.write('\nTest scenarios\n');
    ctx.stdout.write(
      table(
        ['scenario', 'group', 'needed', 'records', 'slots'],
        data.scenarios.map((s) => [s.id, s.group, s.requirement, s.records.join(','), s.slots.join(',')]),
      ),
    );
    ctx.stdout.write('\nScreenshot slots\n');
    ctx.stdout.write(
      table(
        ['slot', 'checklist name', 'kind', 'requirement'],
        data.slots.map((s) => [s.id, s.checklistName, s.kind, s.requirement]),
      ),
    );
    ctx.stdout.write('\nVerification checkpoints\n');
    ctx.stdout.write(
      table(
        ['checkpoint', 'proof', 'integration types', 'title'],
        data.checkpoints.map((c) => [c.id, c.proof, c.appliesTo.join(','), c.title]),
      ),
    );
    ctx.stdout.write(
      `\nSign-off email: to ${data.signoffEmail.to}, subject "${data.signoffEmail.subjectPattern}", files .zip/.pdf of at most 20 MB\n`,
    );
    return 0;
  },
});
