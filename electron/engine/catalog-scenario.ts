import { SCENARIOS, type Scenario } from '../../shared/aps/scenarios';
import { CertkitError } from './errors';

/** The catalog scenario a user named (CLI flag, API call), or an error listing the ids there are. */
export function requireCatalogScenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (!found) {
    throw new CertkitError(`"${id}" is not a scenario in the catalog`, {
      hint: `use one of ${SCENARIOS.map((s) => s.id).join(', ')} (\`certkit plan <workspace>\` lists those a workspace needs)`,
    });
  }
  return found;
}
