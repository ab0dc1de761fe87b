import { assertNever } from './assert-never';
import { CHECKPOINTS, type Checkpoint } from './aps/checkpoints';
import { CARD_METHODS, type MethodId } from './aps/methods';
import { SCENARIOS, type Scenario, type Feature } from './aps/scenarios';
import type { ScreenshotSlot } from './aps/slots';
import { CATALOG } from './aps/catalog-index';
import type { Workspace } from './schema/workspace';

export type PlanInput = Pick<Workspace, 'methods' | 'integrationTypes' | 'features'>;

export interface Plan {
  scenarios: Scenario[];
  /** Slots to fill, each with the scenarios that fill it. */
  slots: { slot: ScreenshotSlot; scenarios: string[] }[];
  checkpoints: Checkpoint[];
}

function usesFeature(input: PlanInput, feature: Feature): boolean {
  if (feature === 'installments') return input.features.installments;
  if (feature === 'saved_cards') return input.features.savedCards;
  return input.features.recurring || input.integrationTypes.includes('recurring');
}

function offers(input: PlanInput, method: MethodId): boolean {
  if (method === 'APPLE_PAY') {
    return input.methods.includes('APPLE_PAY') || input.integrationTypes.some((t) => t.startsWith('apple_pay'));
  }
  return input.methods.includes(method);
}

export function scenarioApplies(s: Scenario, input: PlanInput): boolean {
  switch (s.condition.kind) {
    case 'cards':
      return input.methods.some((m) => CARD_METHODS.includes(m));
    case 'feature':
      return usesFeature(input, s.condition.feature) && input.methods.some((m) => CARD_METHODS.includes(m));
    case 'method':
      return offers(input, s.condition.method);
    default:
      return assertNever(s.condition, 'scenario condition');
  }
}

export function checkpointApplies(c: Checkpoint, input: PlanInput): boolean {
  if (!c.appliesTo.some((t) => input.integrationTypes.includes(t))) return false;
  return !c.methods || c.methods.some((m) => offers(input, m));
}

/** The scenario matrix, slots and checkpoints a workspace needs, in catalog order. */
export function buildPlan(input: PlanInput): Plan {
  const scenarios = SCENARIOS.filter((s) => scenarioApplies(s, input));
  const bySlot = new Map<string, string[]>();
  for (const s of scenarios) {
    for (const slotId of slotsForScenario(s, input)) bySlot.set(slotId, [...(bySlot.get(slotId) ?? []), s.id]);
  }
  // Mobile apps using the custom merchant page show their tokenization code instead of a page.
  if (input.integrationTypes.includes('mobile')) {
    bySlot.set('general.tokenization_code', []);
  }
  return {
    scenarios,
    slots: [...bySlot.entries()].map(([id, ids]) => ({ slot: CATALOG.slots.get(id), scenarios: ids })),
    checkpoints: CHECKPOINTS.filter((c) => checkpointApplies(c, input)),
  };
}

/**
 * The slots one scenario must fill in this workspace: the one rule the plan's slot table, a run's required slots and
 * the package all read. The general pre-checkout shot exists to show mada branding, so only mada users need it.
 */
export function slotsForScenario(s: Scenario, input: PlanInput): string[] {
  return s.slots.filter((id) => !(id === 'general.pre_checkout' && !input.methods.includes('MADA')));
}

/**
 * The flow a scenario replays, and whose entry it is: its own, else the one of the scenario it borrows from (another
 * card brand replays the same recording with its own test card). Undefined when neither has one.
 */
export function flowOf(
  s: Pick<Scenario, 'id' | 'flowFrom'>,
  workspace: Pick<Workspace, 'flows'>,
): { owner: string; file: string } | undefined {
  for (const owner of [s.id, s.flowFrom]) {
    const ref = owner ? workspace.flows[owner] : undefined;
    if (owner && ref) return { owner, file: ref.file };
  }
  return undefined;
}
