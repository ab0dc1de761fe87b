import { CATALOG } from '../../shared/aps/catalog-index';
import type { Scenario } from '../../shared/aps/scenarios';
import { both } from '../../shared/text';
import { CertkitError } from './errors';

/** The catalog scenario a user named (CLI flag, API call), or an error listing the ids there are. */
export function requireCatalogScenario(id: string): Scenario {
  const found = CATALOG.scenarios.find(id);
  if (!found) {
    const ids = CATALOG.scenarios.ids().join(', ');
    throw new CertkitError(both(`"${id}" is not a scenario in the catalog`, `"${id}" ليس سيناريو في الكتالوج`), {
      hint: both(
        `use one of ${ids} (\`certkit plan <workspace>\` lists those a workspace needs)`,
        `استعمل واحدًا من ${ids} (ويسرد \`certkit plan <workspace>\` ما تحتاجه مساحة العمل منها)`,
      ),
    });
  }
  return found;
}
