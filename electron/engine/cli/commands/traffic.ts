import path from 'node:path';
import { CATALOG } from '../../../../shared/aps/catalog-index';
import type { TrafficRecord } from '../../../../shared/schema/traffic';
import { CertkitError } from '../../errors';
import { collectEvidence } from '../../evidence/store';
import { describeRecord, importTraffic, linkTraffic, readWorkspaceTraffic, type TrafficLinks } from '../../relay/index';
import { loadWorkspace } from '../../workspace/workspace';
import { defineCommand, type CliContext } from '../command';
import { secretsFromEnv } from '../env';
import { secretValues } from '../../workspace/secrets';
import { table } from '../format';

const USAGE = 'traffic import <workspace> <relay-log.ndjson> [--json]\n  traffic list <workspace> [--json]';

async function links(dir: string, records: TrafficRecord[]): Promise<TrafficLinks> {
  const { byScenario } = await collectEvidence(dir);
  return linkTraffic([...byScenario.values()], records);
}

function linkSummary(l: TrafficLinks, records: TrafficRecord[]) {
  const scenarios = [...l.byScenario.entries()]
    .sort(([a], [b]) => CATALOG.scenarios.order(a) - CATALOG.scenarios.order(b))
    .map(([scenarioId, rs]) => ({
      scenarioId,
      exchanges: rs.map((r) => ({ id: r.id, linkedBy: l.how.get(r.id), what: describeRecord(r) })),
    }));
  return {
    records: records.length,
    scenarios,
    unlinked: l.unlinked.map((r) => ({
      id: r.id,
      what: describeRecord(r),
      ...(l.ambiguous.has(r.id) ? { candidates: l.ambiguous.get(r.id) } : {}),
    })),
  };
}

function printLinks(ctx: CliContext, summary: ReturnType<typeof linkSummary>): void {
  if (summary.scenarios.length)
    ctx.stdout.write(
      table(
        ['SCENARIO', 'EXCHANGE', 'LINKED BY'],
        summary.scenarios.flatMap((s) => s.exchanges.map((x) => [s.scenarioId, x.what, x.linkedBy ?? ''])),
      ),
    );
  if (summary.unlinked.length) {
    ctx.stdout.write(`\n${summary.unlinked.length} exchange(s) linked to no scenario:\n`);
    for (const u of summary.unlinked)
      ctx.stdout.write(
        `  ${u.what}${u.candidates ? ` (shared by ${u.candidates.join(', ')}; none ran at that time)` : ''}\n`,
      );
  }
}

export const trafficCommand = defineCommand({
  name: 'traffic',
  summary: 'Bring a relay log into a workspace and show which scenario each recorded exchange belongs to',
  usage: USAGE,
  options: { json: { type: 'boolean', description: 'print the records and their links as JSON' } },
  async run(args, ctx) {
    const [action, workspace, file] = args.positionals;
    if (action !== 'import' && action !== 'list')
      throw new CertkitError(action ? `no traffic action "${action}"` : 'traffic needs an action', {
        hint: `certkit ${USAGE}`,
      });
    if (!workspace) throw new CertkitError('no workspace folder given', { hint: `certkit ${USAGE}` });
    const dir = path.resolve(ctx.cwd, workspace);
    await loadWorkspace(dir);
    if (action === 'import') {
      if (!file) throw new CertkitError('no relay log given', { hint: `certkit ${USAGE}` });
      const secrets = [secretsFromEnv(ctx.env), secretsFromEnv(ctx.env, 'CERTKIT_APPLE_')].flatMap(secretValues);
      const result = await importTraffic(dir, path.resolve(ctx.cwd, file), secrets);
      const summary = linkSummary(await links(dir, result.log.records), result.log.records);
      if (args.values.json) {
        ctx.stdout.write(
          `${JSON.stringify({ file: result.file, alreadyImported: result.alreadyImported, problems: result.log.problems, ...summary }, null, 2)}\n`,
        );
      } else {
        ctx.stderr.write(
          `${result.alreadyImported ? 'already imported as' : 'imported into'} ${path.relative(dir, result.file)}: ${summary.records} exchange(s)\n`,
        );
        for (const p of result.log.problems) ctx.stderr.write(`warning: line ${p.line} left out: ${p.message}\n`);
        printLinks(ctx, summary);
      }
      if (!summary.scenarios.length)
        ctx.stderr.write(
          'warning: no exchange matches a scenario yet; they link when a run records the same merchant_reference, fort_id, agreement_id or token_name\n',
        );
      return 0;
    }
    const traffic = await readWorkspaceTraffic(dir);
    const summary = linkSummary(await links(dir, traffic.records), traffic.records);
    const problems = traffic.files.flatMap((f) => f.problems.map((p) => ({ file: path.relative(dir, f.file), ...p })));
    if (args.values.json) {
      ctx.stdout.write(
        `${JSON.stringify({ files: traffic.files.map((f) => path.relative(dir, f.file)), problems, ...summary }, null, 2)}\n`,
      );
      return 0;
    }
    ctx.stderr.write(`${traffic.files.length} relay log(s), ${summary.records} exchange(s)\n`);
    for (const p of problems) ctx.stderr.write(`warning: ${p.file} line ${p.line}: ${p.message}\n`);
    printLinks(ctx, summary);
    return 0;
  },
});
