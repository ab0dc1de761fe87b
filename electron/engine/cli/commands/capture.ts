import { createInterface } from 'node:readline';
import { guidedCapture } from '../../run/guided';
import { BROWSER_OPTION, browserChoice, CONNECT_OPTION } from './run';
import { defineCommand, requiredOpt, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';

const USAGE = 'capture <workspace> --scenario ID [--url URL] [--browser firefox|PATH] [--connect URL]';

export const captureCommand = defineCommand({
  name: 'capture',
  summary: 'Guided capture: open a browser, you click through a scenario, every page and APS exchange is recorded',
  usage: USAGE,
  positionals: 1,
  windsDown: true,
  options: {
    scenario: { type: 'string', description: 'the scenario id to capture (see certkit plan)' },
    url: { type: 'string', description: 'page to open first (default: store.baseUrl)' },
    browser: BROWSER_OPTION,
    connect: CONNECT_OPTION,
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const scenarioId = requiredOpt(args, 'scenario', USAGE);
    const secrets = secretsFromEnv(ctx.env);
    const rl = createInterface({ input: ctx.stdin as NodeJS.ReadableStream });
    const enter = new Promise<void>((resolve) => {
      rl.once('line', () => resolve());
      rl.once('close', () => resolve());
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    ctx.stderr.write(
      'Click through the scenario in the browser window. Press Enter here (or close the window) when done.\n',
    );
    try {
      const ev = await guidedCapture({
        workspaceDir,
        scenarioId,
        until: enter,
        startUrl: stringOpt(args, 'url'),
        ...browserChoice(args),
        browserEnv: ctx.env,
        secrets,
        onEvent: (e) => {
          if (e.type === 'captured') ctx.stderr.write(`captured ${e.file}  ${e.url}\n`);
        },
      });
      ctx.stdout.write(
        `${ev.scenarioId}: ${ev.status}, ${ev.screenshots.length} page(s), ${ev.exchanges.length} APS exchange(s)${ev.ledger.values.merchant_reference ? `, merchant_reference ${ev.ledger.values.merchant_reference}` : ''}\n`,
      );
      if (ev.error) ctx.stdout.write(`  ${ev.error.message}\n`);
      return ev.status === 'passed' ? 0 : 1;
    } finally {
      rl.close();
    }
  },
});
