import { CATALOG } from '../../../shared/aps/catalog-index';
import { buildPlan, flowOf } from '../../../shared/plan';
import { PLACEHOLDER_PATTERN } from '../../../shared/schema/flow';
import type { Workspace } from '../../../shared/schema/workspace';
import { customerOf } from './job';
import { flowVariables } from './variables';

export interface PlaceholderPreview {
  /** Scenarios that replay the flow: those it was imported for, and other brands that borrow it. */
  scenarios: string[];
  /** Placeholder -> scenario id -> the value the run fills in (undefined: none, the run would stop). */
  values: { placeholder: string; byScenario: Record<string, string | undefined> }[];
}

/** A placeholder's value, from the variables' own keys only: {{constructor}} is not a value every object has. */
function ownValue(vars: Record<string, string> | undefined, name: string): string | undefined {
  return vars && Object.hasOwn(vars, name) ? vars[name] : undefined;
}

/** Placeholders a flow uses, in the order they first appear. */
export function placeholdersIn(flow: unknown): string[] {
  const seen = new Set<string>();
  for (const m of JSON.stringify(flow).matchAll(PLACEHOLDER_PATTERN)) seen.add(m[1]);
  return [...seen];
}

/**
 * What each placeholder of a flow will be in each scenario that replays it, as the run computes it (customer by
 * catalog position, the scenario's test card or local test values), so an import can be checked before a run.
 */
export function placeholderPreview(ws: Workspace, flowFile: string, placeholders: string[]): PlaceholderPreview {
  const scenarios = buildPlan(ws)
    .scenarios.filter((s) => flowOf(s, ws)?.file === flowFile)
    .sort((a, b) => CATALOG.scenarios.order(a.id) - CATALOG.scenarios.order(b.id));
  const vars = new Map(scenarios.map((s) => [s.id, flowVariables(s, ws, customerOf(ws, s))]));
  return {
    scenarios: scenarios.map((s) => s.id),
    values: placeholders
      .filter((p) => !p.startsWith('dep.'))
      .map((placeholder) => ({
        placeholder,
        byScenario: Object.fromEntries(scenarios.map((s) => [s.id, ownValue(vars.get(s.id), placeholder)])),
      })),
  };
}
