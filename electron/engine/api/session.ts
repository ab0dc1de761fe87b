import type { Workspace } from '../../../shared/schema/workspace';
import { CertkitError } from '../errors';
import { loadWorkspace } from '../workspace/workspace';
import type { ApiSession } from './context';

export function requireWorkspace(session: ApiSession): { dir: string; workspace: Workspace } {
  if (!session.dir || !session.workspace) {
    throw new CertkitError('no workspace is open', {
      hint: 'open a workspace folder, create one, or start the demo workspace first',
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

/** A call whose engine module has not landed yet fails with this, naming what is missing. */
export function missingEngine(what: string): never {
  throw new CertkitError(`this step is not available in this build: ${what} is missing`, {
    hint: 'update Certkit to a build that includes it; the rest of the wizard works without it',
    exitCode: 1,
  });
}
