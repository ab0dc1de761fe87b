import type { ApiTable, FlowDetail } from '../../../shared/api/contract';
import { PLACEHOLDER_PATTERN } from '../../../shared/schema/flow';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { Workspace } from '../../../shared/schema/workspace';
import { flowFileRule, loadFlowFile, validateFlow, type LoadedFlow } from '../capture/flow-file';
import { resolveInside } from '../confine-path';
import { stepLabel } from '../capture/step-label';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { writeJsonAtomic } from '../util/atomic-write';
import { importFlow } from '../capture/flow-import';
import { placeholderPreview, placeholdersIn } from '../run/flow-preview';
import type { ApiSession } from './context';
import { refreshWorkspace } from './session';

type FlowCalls = Pick<ApiTable, 'flows.list' | 'flows.get' | 'flows.import' | 'flows.tag'>;

function detail(name: string, file: string, flow: LoadedFlow): FlowDetail {
  const steps = (flow.raw.steps as Record<string, unknown>[]) ?? [];
  const placeholders = new Set<string>();
  for (const m of JSON.stringify(flow.raw).matchAll(PLACEHOLDER_PATTERN)) placeholders.add(m[1]);
  return {
    name,
    file,
    title: flow.title,
    stepCount: steps.length,
    placeholders: [...placeholders].sort(),
    slots: steps.flatMap((_, index) => flow.tags[index]?.slot ?? []),
    steps: steps.map((step, index) => ({
      index,
      type: String(step.type ?? ''),
      label: stepLabel(step, flow.tags[index]?.label),
      slot: flow.tags[index]?.slot,
    })),
  };
}

/** The workspace's flow of that name; an own entry only, so "constructor" or "__proto__" name no flow. */
function flowRef(workspace: Workspace, name: string): Workspace['flows'][string] {
  const ref = Object.hasOwn(workspace.flows, name) ? workspace.flows[name] : undefined;
  if (!ref)
    throw new CertkitError(
      both(`no flow named "${name}" in this workspace`, `لا مسار باسم "${name}" في مساحة العمل هذه`),
      {
        hint: both(
          `import it first, or pick one of: ${Object.keys(workspace.flows).join(', ') || '(none yet)'}`,
          `استورده أولًا، أو اختر واحدًا من: ${Object.keys(workspace.flows).join('، ') || '(لا شيء بعد)'}`,
        ),
      },
    );
  return ref;
}

function flowPath(dir: string, name: string, file: string): Promise<string> {
  return resolveInside(dir, file, { ...flowFileRule(name), within: both('the workspace folder', 'مجلد مساحة العمل') });
}

export function flowCalls(session: ApiSession): FlowCalls {
  const get = async (name: string) => {
    const { dir, workspace } = await refreshWorkspace(session);
    const ref = flowRef(workspace, name);
    return detail(name, ref.file, await loadFlowFile(await flowPath(dir, name, ref.file)));
  };
  return {
    'flows.list': async () => {
      const { workspace } = await refreshWorkspace(session);
      const flows = [];
      for (const name of Object.keys(workspace.flows).sort()) {
        const { steps: _steps, ...summary } = await get(name);
        flows.push(summary);
      }
      return { flows };
    },
    'flows.get': async ({ name }) => get(name),
    'flows.import': async ({ name, json, scenarios }) => {
      const { dir } = await refreshWorkspace(session);
      const result = await importFlow(dir, json, { scenarios: [name, ...(scenarios ?? [])], source: `${name}.json` });
      session.workspace = result.workspace;
      const flow = await get(name);
      const preview = placeholderPreview(
        result.workspace,
        result.file,
        placeholdersIn(flow.placeholders.map((p) => `{{${p}}}`)),
      );
      const { report } = result;
      return {
        ...flow,
        imported: {
          scenarios: result.scenarios,
          substitutions: report.substitutions,
          kept: report.kept,
          slots: report.slots,
          missingSlots: report.missingSlots,
          values: preview.values,
          baseUrlSet: result.baseUrlSet,
        },
      };
    },
    'flows.tag': async ({ name, step, slot }) => {
      const { dir, workspace } = await refreshWorkspace(session);
      const ref = flowRef(workspace, name);
      if (slot && !CATALOG.slots.has(slot)) {
        throw new CertkitError(
          both(`"${slot}" is not a screenshot slot in the catalog`, `"${slot}" ليست خانة لقطة شاشة في الكتالوج`),
          {
            hint: both(
              'pick a slot from the list (e.g. general.checkout)',
              'اختر خانة من القائمة (مثل general.checkout)',
            ),
          },
        );
      }
      const file = await flowPath(dir, name, ref.file);
      const loaded = await loadFlowFile(file);
      const steps = [...(loaded.raw.steps as Record<string, unknown>[])];
      if (step >= steps.length)
        throw new CertkitError(
          both(
            `flow "${name}" has ${steps.length} steps, not ${step + 1}`,
            `في المسار "${name}" ${steps.length} خطوة، لا ${step + 1}`,
          ),
          { hint: both('pick a step from the list', 'اختر خطوة من القائمة') },
        );
      const { slot: _old, ...rest } = (steps[step].certkit ?? {}) as Record<string, unknown>;
      const tag = slot ? { ...rest, slot } : rest;
      steps[step] = Object.keys(tag).length
        ? { ...steps[step], certkit: tag }
        : (({ certkit: _c, ...s }) => s)(steps[step]);
      const raw = { ...loaded.raw, steps };
      validateFlow(raw, ref.file);
      await writeJsonAtomic(file, raw);
      return get(name);
    },
  };
}
