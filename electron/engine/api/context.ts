import type { EventName } from '../../../shared/api/names';
import type { EventPayload } from '../../../shared/api/contract';
import type { VerifyReport } from '../verify/index';
import type { Workspace } from '../../../shared/schema/workspace';
import type { Env } from '../env';
import type { MerchantSecrets } from '../workspace/secrets';

/** Where the merchant's secrets are kept between calls. Never the workspace folder. */
export interface SecretStore {
  readonly kind: 'keychain' | 'memory';
  read(workspaceDir: string): Promise<Partial<MerchantSecrets>>;
  write(workspaceDir: string, secrets: Partial<MerchantSecrets>): Promise<void>;
}

export interface RecentStore {
  list(): Promise<string[]>;
  add(dir: string): Promise<void>;
}

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** What a transport gives the API table: the things that differ between Electron and the browser host. */
export interface ApiHost {
  transport: 'electron' | 'browser';
  secrets: SecretStore;
  recent: RecentStore;
  emit: Emit;
  /** Opens a folder in the OS file manager, or a file in its app; false when there is no way to (no display). */
  openPath(path: string): Promise<boolean>;
  /** Hands a mailto: link to the OS mail app (nothing else); false when it cannot. */
  openExternal?(url: string): Promise<boolean>;
  /** The OS folder picker; undefined when the user cancels. Absent where there is none (the browser host). */
  pickFolder?(options: { title: string }): Promise<string | undefined>;
  /** Puts text on the OS clipboard; absent where the page does it itself (the browser host). */
  writeClipboard?(text: string): Promise<boolean>;
  /** Where `workspace.demo` creates its workspace when no folder is given. */
  demoDir?: string;
  /** Where runs, packages and snippet previews look for a browser (CERTKIT_BROWSER, PATH, ...). */
  browserEnv?: Env;
}

/** Per-window (or per-host) state: the open workspace and the run in progress. */
export interface ApiSession {
  dir?: string;
  workspace?: Workspace;
  /**
   * The checklist as last verified for `dir`, reused by package.build and the email. Dropped whenever the evidence
   * behind it changes (a run finishes, a ledger value or snippet is edited, a checkpoint is confirmed).
   */
  checks?: { dir: string; report: VerifyReport };
  /** Things to stop when the window or host goes away (the demo sandbox's servers). */
  disposers?: (() => Promise<void>)[];
}

/** Stops everything the session started; all are tried, and any that failed are reported together. */
export async function disposeSession(session: ApiSession): Promise<void> {
  const list = session.disposers ?? [];
  session.disposers = [];
  const failed = (await Promise.allSettled(list.map((d) => d()))).filter((r) => r.status === 'rejected');
  if (failed.length) {
    throw new AggregateError(
      failed.map((r) => r.reason),
      `could not stop ${failed.length} thing(s) the session started: ${failed.map((r) => String(r.reason)).join('; ')}`,
    );
  }
}
