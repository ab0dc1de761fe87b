import { CATALOG } from '../../shared/aps/catalog-index';
import type { Scenario } from '../../shared/aps/scenarios';
import { CertkitError } from './errors';

/** The catalog scenario a user named (CLI flag, API call), or an error listing the ids there are. */
export function requireCatalogScenario(id: string): Scenario {
  const found = CATALOG.scenarios.find(id);
  if (!found) {
    throw new CertkitError(`"${id}" is not a scenario in the catalog`, {
      hint: `use one of ${CATALOG.scenarios.ids().join(', ')} (\`certkit plan <workspace>\` lists those a workspace needs)`,
    });
  }
  return found;
}
