import type { CheckResult } from '../../../shared/schema/verify';
import { verifyWorkspace } from '../verify/index';
import type { MerchantSecrets } from '../workspace/secrets';

/**
 * Checklist results for the cover page, report and email. A verifier failure must not block the package: it is
 * reported and the package says "checklist not verified".
 */
export async function verifyIfAvailable(
  workspaceDir: string,
  secrets?: MerchantSecrets,
  warn?: (m: string) => void,
): Promise<CheckResult[] | undefined> {
  try {
    return (await verifyWorkspace(workspaceDir, { secrets })).results;
  } catch (err) {
    warn?.(`checklist not verified: ${(err as Error).message}`);
    return undefined;
  }
}
