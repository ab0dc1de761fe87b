import { BENCH_SECTIONS } from '../../bench/sections';
import type { BenchRow } from '../../bench/types';
import { meetsTarget, verdict } from '../../bench/verdict';
import { defineCommand, listOpt } from '../command';
import { table } from '../format';

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'Measure the performance goals (capture, packaging, renderer, relay, soak) and print the figures',
  usage: 'bench [--only SECTIONS] [--json]',
  positionals: 0,
  options: {
    only: { type: 'string', description: 'comma-separated bench sections to run (default: all)' },
    json: { type: 'boolean', description: 'print the figures as JSON' },
  },
  async run(args, ctx) {
    const only = listOpt(args, 'only');
    const sections = BENCH_SECTIONS.filter((s) => !only || only.includes(s.name));
    const rows: BenchRow[] = [];
    for (const section of sections) {
      ctx.stderr.write(`bench: ${section.name}...\n`);
      rows.push(...(await section.run((line) => ctx.stderr.write(`  ${line}\n`))));
    }
    if (args.values.json) {
      ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      ctx.stdout.write(
        table(
          ['section', 'measure', 'value', 'target'],
          rows.map((r) => [
            r.section,
            r.name,
            `${Number.isInteger(r.value) ? r.value : r.value.toFixed(3)} ${r.unit}`,
            verdict(r),
          ]),
        ),
      );
      const missed = rows.filter((r) => meetsTarget(r) === false);
      const judged = rows.filter((r) => meetsTarget(r) !== undefined).length;
      ctx.stdout.write(
        `targets: ${judged - missed.length} of ${judged} met` +
          (missed.length ? `; MISSED: ${missed.map((r) => `${r.section} / ${r.name}`).join('; ')}\n` : '\n'),
      );
    }
    return 0;
  },
});
