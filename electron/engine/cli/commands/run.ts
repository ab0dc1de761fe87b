import { LIMITS } from '../../../../shared/limits';
import { CertkitError } from '../../errors';
import { parseEndpoint } from '../../browser/connect';
import { parseBrowserOption, type BrowserEngine } from '../../browser/engine';
import { progressPrinter, summaryRows } from '../../run/progress';
import { runWorkspace } from '../../run/index';
import { defineCommand, listOpt, stringOpt, workspaceArg } from '../command';
import { secretsFromEnv } from '../env';
import { loadTrustedCertificate } from '../../tls-trust';
import path from 'node:path';
import { table } from '../format';

export function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min, max } = LIMITS.concurrency;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CertkitError(`--concurrency ${value} is not a whole number from ${min} to ${max}`, {
      hint: 'e.g. --concurrency 2 (each scenario uses its own browser context)',
    });
  return n;
}

export const BROWSER_OPTION = {
  type: 'string',
  description:
    'firefox or chromium (found in the usual places), or the path of a Chrome, Edge, Chromium, headless shell or Firefox',
} as const;

export const CONNECT_OPTION = {
  type: 'string',
  description:
    'drive a running browser instead of starting one: its DevTools ws:// URL, http://HOST:PORT, a browserless or Selenium Grid endpoint',
} as const;

/** --browser (a family or a path) and --connect, as the run takes them. */
export function browserChoice(args: { values: Record<string, unknown> }): {
  browserPath?: string;
  browserEngine?: BrowserEngine;
  connect?: string;
} {
  const { path: browserPath, engine: browserEngine } = parseBrowserOption(args.values.browser as string | undefined);
  const connect = (args.values.connect as string | undefined) || undefined;
  // Its form is checked before anything starts (the demo's sandbox, a workspace folder).
  if (connect) parseEndpoint(connect);
  return { browserPath, browserEngine, connect };
}

const USAGE =
  'run <workspace> [--only IDS] [--concurrency N] [--browser firefox|PATH] [--connect URL] [--headful] [--resume] [--json] [--trust-cert FILE]';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Replay every scenario of a workspace in a browser and record screenshots, APS traffic and references',
  usage: USAGE,
  positionals: 1,
  windsDown: true,
  options: {
    'trust-cert': {
      type: 'string',
      description: "certificate file of an https sandbox to accept, for the workspace's simulator and store only",
    },
    only: { type: 'string', description: 'comma-separated scenario ids to run (default: the whole plan)' },
    concurrency: { type: 'string', description: 'scenarios run at once, 1 to 8 (default: browser.concurrency, 2)' },
    browser: BROWSER_OPTION,
    connect: CONNECT_OPTION,
    headful: { type: 'boolean', description: 'show the browser window (needs a full browser)' },
    resume: {
      type: 'boolean',
      description: 'run only the scenarios whose evidence (newest run, or pinned) has not passed',
    },
    json: { type: 'boolean', description: 'print the run events as JSON lines' },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const print = args.values.json
      ? (e: unknown) => ctx.stdout.write(`${JSON.stringify(e)}\n`)
      : progressPrinter(ctx.stderr, ctx.isTTY);
    const certFile = stringOpt(args, 'trust-cert');
    const summary = await runWorkspace({
      trust: certFile ? [await loadTrustedCertificate(path.resolve(ctx.cwd, certFile))] : undefined,
      workspaceDir,
      only: listOpt(args, 'only'),
      concurrency: parseConcurrency(stringOpt(args, 'concurrency')),
      ...browserChoice(args),
      browserEnv: ctx.env,
      headful: args.values.headful ? true : undefined,
      resume: !!args.values.resume,
      secrets: secretsFromEnv(ctx.env),
      signal: ctx.signal,
      onEvent: print,
    });
    if (!args.values.json) {
      ctx.stdout.write(`run ${summary.runId}\n`);
      ctx.stdout.write(table(['scenario', 'outcome', 'merchant reference', 'screenshots'], summaryRows(summary)));
    }
    if (summary.stopped) {
      ctx.stderr.write(
        `run ${summary.runId} was stopped; what it captured is kept: certkit run ${args.positionals[0]} --resume runs the rest\n`,
      );
      return 1;
    }
    return summary.results.some((r) => r.status === 'failed') ? 1 : 0;
  },
});
