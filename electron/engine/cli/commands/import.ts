import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError } from '../../errors';
import { importFlow, parseSlotOverride, type ImportedFlow } from '../../capture/flow-import';
import { placeholderPreview, placeholdersIn, type PlaceholderPreview } from '../../run/flow-preview';
import { defineCommand, listOpt, workspaceArg, type Output } from '../command';
import { table } from '../format';

const USAGE = 'import <workspace> <recording.json> --scenario ID[,ID...] [--slot STEP=SLOT ...]';

/** What the import did, for the person to review before a run: substitutions, values per scenario, slots. */
export function printImport(out: Output, r: ImportedFlow, preview: PlaceholderPreview): void {
  out.write(`${r.scenarios.join(', ')}: flow stored as ${r.file}\n`);
  if (r.baseUrlSet) out.write(`store.baseUrl was not set; set to ${r.baseUrlSet} (the recording's store)\n`);
  const rep = r.report;
  if (rep.relative.count)
    out.write(`${rep.relative.count} store URL(s) made relative: ${rep.relative.origins.join(', ')} -> {{baseUrl}}\n`);
  if (rep.substitutions.length) {
    out.write('\nTyped values replaced:\n');
    out.write(
      table(
        ['step', 'field', 'typed on', 'recorded', 'placeholder'],
        rep.substitutions.map((s) => [String(s.step), s.field, s.page, s.recorded, `{{${s.placeholder}}}`]),
      ),
    );
  }
  if (rep.kept.length) {
    out.write('\nTyped values kept as recorded:\n');
    out.write(
      table(
        ['step', 'field', 'typed on', 'value', 'why'],
        rep.kept.map((k) => [String(k.step), k.field, k.page, k.recorded, k.why]),
      ),
    );
  }
  for (const s of rep.scrubbed)
    out.write(`Also replaced inside URLs, selectors or titles: ${s.count} x ${s.placeholder}\n`);
  if (preview.values.length) {
    out.write('\nValues per scenario:\n');
    out.write(
      table(
        ['placeholder', ...preview.scenarios],
        preview.values.map((v) => [
          `{{${v.placeholder}}}`,
          ...preview.scenarios.map((id) => v.byScenario[id] ?? '(none!)'),
        ]),
      ),
    );
  }
  out.write('\nScreenshot slots (change with --slot STEP=SLOT, or STEP=none):\n');
  out.write(
    rep.slots.length
      ? table(
          ['step', 'slot', 'page', 'why'],
          rep.slots.map((s) => [String(s.step), s.slot, s.url, s.why]),
        )
      : '  none\n',
  );
  if (rep.missingSlots.length)
    out.write(`Not placed: ${rep.missingSlots.join(', ')} (tag the step that shows it with --slot STEP=SLOT)\n`);
}

export const importCommand = defineCommand({
  name: 'import',
  summary: 'Import a Chrome DevTools Recorder JSON, unchanged, as the flow of one or more scenarios',
  usage: USAGE,
  options: {
    scenario: { type: 'string', description: 'the scenario id(s) the flow is for, comma-separated (see certkit plan)' },
    slot: {
      type: 'string',
      multiple: true,
      description: 'STEP=SLOT: tag a step with an evidence slot, overriding the inferred one',
    },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const fileArg = args.positionals[1];
    if (!fileArg) throw new CertkitError('no recording file given', { hint: `certkit ${USAGE}` });
    const scenarios = listOpt(args, 'scenario');
    if (!scenarios?.length) throw new CertkitError('--scenario is needed', { hint: `certkit ${USAGE}` });
    const slots = (args.values.slot as string[] | undefined) ?? [];
    const source = path.resolve(ctx.cwd, fileArg);
    const text = await fs.readFile(source, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CertkitError(
        `cannot read recording ${source}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
        {
          hint: 'give the path of the JSON exported from Chrome DevTools > Recorder > Export > JSON',
        },
      );
    });
    const result = await importFlow(workspaceDir, text, {
      scenarios,
      slotOverrides: new Map(slots.map(parseSlotOverride)),
      source: fileArg,
    });
    const flow = JSON.parse(await fs.readFile(path.join(workspaceDir, result.file), 'utf8')) as unknown;
    const preview = placeholderPreview(result.workspace, result.file, placeholdersIn(flow));
    printImport(ctx.stdout, result, preview);
    const unfilled = preview.values.filter((v) => Object.values(v.byScenario).some((x) => x === undefined));
    if (unfilled.length) {
      ctx.stderr.write(
        `warning: no value for ${unfilled.map((v) => `{{${v.placeholder}}}`).join(', ')} in some scenarios; the run would stop there\n`,
      );
    }
    return 0;
  },
});
