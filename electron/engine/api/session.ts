import type { Workspace } from '../../../shared/schema/workspace';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { loadWorkspace } from '../workspace/workspace';
import type { ApiSession } from './context';

export function requireWorkspace(session: ApiSession): { dir: string; workspace: Workspace } {
  if (!session.dir || !session.workspace) {
    throw new CertkitError(both('no workspace is open', 'لا توجد مساحة عمل مفتوحة'), {
      hint: both(
        'open a workspace folder, create one, or start the demo workspace first',
        'افتح مجلد مساحة عمل، أو أنشئ واحدة، أو ابدأ مساحة العمل التجريبية أولًا',
      ),
      exitCode: 1,
    });
  }
  return { dir: session.dir, workspace: session.workspace };
}

/** Re-reads certkit.json so edits made by the CLI or by hand meanwhile are not overwritten. */
export async function refreshWorkspace(session: ApiSession): Promise<{ dir: string; workspace: Workspace }> {
  const { dir } = requireWorkspace(session);
  session.workspace = await loadWorkspace(dir);
  return { dir, workspace: session.workspace };
}

/** The verified checklist no longer matches the evidence: the next package, email or check verifies again. */
export function forgetChecks(session: ApiSession): void {
  session.checks = undefined;
}
