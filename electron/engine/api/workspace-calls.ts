import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ApiTable, PlanView } from '../../../shared/api/contract';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { parseShaType } from '../../../shared/aps/sha';
import { both } from '../../../shared/text';
import { CertkitError } from '../errors';
import { initWorkspace, loadWorkspace, saveWorkspace, workspaceFile } from '../workspace/workspace';
import { isAbsolutePath } from '../../../shared/paths';
import type { ApiHost, ApiSession } from './context';
import { refreshWorkspace, requireWorkspace } from './session';

type WorkspaceCalls = Pick<
  ApiTable,
  | 'workspace.current'
  | 'workspace.inspect'
  | 'workspace.open'
  | 'workspace.init'
  | 'workspace.save'
  | 'workspace.recent'
  | 'workspace.plan'
  | 'secrets.status'
  | 'secrets.set'
>;

export function planView(workspace: Parameters<typeof buildPlan>[0]): PlanView {
  const plan = buildPlan(workspace);
  return {
    scenarios: plan.scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      outcome: s.outcome,
      slots: slotsForScenario(s, workspace).filter((id) => CATALOG.slots.get(id).kind === 'page'),
    })),
    checkpoints: plan.checkpoints.map((c) => ({ id: c.id, title: c.title })),
  };
}

export async function openWorkspace(host: ApiHost, session: ApiSession, dir: string) {
  const abs = path.resolve(dir);
  const workspace = await loadWorkspace(abs);
  session.dir = abs;
  session.workspace = workspace;
  await host.recent.add(abs);
  host.emit('workspace.changed', { dir: abs });
  return { dir: abs, workspace };
}

/** What is at a typed path: nothing, a folder, a workspace (and whose). Reads only; never creates anything. */
async function inspectFolder(dir: string) {
  const none = { absolute: false, exists: false, folder: false, workspace: false, empty: false };
  if (!isAbsolutePath(dir)) return none;
  const stat = await fs.stat(dir).catch(() => undefined);
  if (!stat) return { ...none, absolute: true };
  if (!stat.isDirectory()) return { ...none, absolute: true, exists: true };
  const entries = await fs.readdir(dir).catch(() => ['?']);
  const found = await loadWorkspace(dir).catch(() => undefined);
  const hasFile = await fs.stat(workspaceFile(dir)).then(
    () => true,
    () => false,
  );
  return {
    absolute: true,
    exists: true,
    folder: true,
    workspace: hasFile,
    empty: entries.length === 0,
    account: found?.account.name,
  };
}

export function workspaceCalls(host: ApiHost, session: ApiSession): WorkspaceCalls {
  const secretsStatus = async () => {
    const { dir } = requireWorkspace(session);
    const s = await host.secrets.read(dir);
    return {
      store: host.secrets.kind,
      accessCode: !!s.accessCode,
      requestPhrase: !!s.requestPhrase,
      responsePhrase: !!s.responsePhrase,
      shaType: s.shaType ?? 'sha256',
    };
  };
  return {
    'workspace.current': async () =>
      session.dir && session.workspace ? { dir: session.dir, workspace: session.workspace } : null,
    'workspace.inspect': async ({ dir }) => inspectFolder(dir.trim()),
    'workspace.open': async ({ dir }) => openWorkspace(host, session, dir),
    'workspace.init': async ({ dir, account }) => {
      await initWorkspace(path.resolve(dir), { account });
      return openWorkspace(host, session, dir);
    },
    'workspace.save': async ({ workspace }) => {
      const { dir } = requireWorkspace(session);
      // The Project form sends the workspace as it loaded it. Flows, confirmations and pins change through their own
      // calls meanwhile (import, confirm, pin): the ones on disk win, or an edit of the account name would undo them.
      const { workspace: onDisk } = await refreshWorkspace(session);
      const { pins: _pins, ...edited } = workspace;
      session.workspace = await saveWorkspace(dir, {
        ...edited,
        flows: onDisk.flows,
        confirmations: onDisk.confirmations,
        ...(onDisk.pins ? { pins: onDisk.pins } : {}),
      });
      return { dir, workspace: session.workspace };
    },
    'workspace.recent': async () => ({ dirs: await host.recent.list() }),
    'workspace.plan': async () => planView((await refreshWorkspace(session)).workspace),
    'secrets.status': secretsStatus,
    'secrets.set': async (input) => {
      const { dir } = requireWorkspace(session);
      let shaType;
      if (input.shaType !== undefined) {
        shaType = parseShaType(input.shaType);
        if (!shaType)
          throw new CertkitError(
            both(`SHA type "${input.shaType}" is not one APS offers`, `نوع SHA "${input.shaType}" ليس مما تتيحه APS`),
            {
              hint: both(
                'pick SHA-256, SHA-512, HMAC-256 or HMAC-512',
                'اختر SHA-256 أو SHA-512 أو HMAC-256 أو HMAC-512',
              ),
            },
          );
      }
      const update = Object.fromEntries(
        Object.entries({
          accessCode: input.accessCode,
          requestPhrase: input.requestPhrase,
          responsePhrase: input.responsePhrase,
          shaType,
        }).filter(([, v]) => v !== undefined),
      );
      await host.secrets.write(dir, update);
      return secretsStatus();
    },
  };
}
