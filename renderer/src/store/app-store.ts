import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  CallOutput,
  CertkitApi,
  EmailDraft,
  EvidenceList,
  FlowDetail,
  FlowSummary,
  PackageView,
  PlanView,
  RunStatus,
  SecretsStatus,
  WorkspaceState,
} from '../../../shared/api/contract';
import { ApiCallError } from '../../../shared/api/reply';
import type { LedgerField } from '../../../shared/schema/evidence';
import type { CheckResult } from '../../../shared/schema/verify';
import type { SignoffState } from '../../../shared/schema/signoff';
import type { WorkspaceInput } from '../../../shared/schema/workspace';
import type { Language } from '../../../shared/aps/methods';

export const STEPS = ['project', 'flows', 'run', 'evidence', 'checklist', 'package', 'email'] as const;
export type StepId = (typeof STEPS)[number];

export interface UiError {
  call: string;
  message: string;
  hint?: string;
}

export interface AppState {
  lang: Language;
  step: StepId;
  info?: CallOutput<'app.info'>;
  ws?: WorkspaceState;
  recent: string[];
  plan?: PlanView;
  secrets?: SecretsStatus;
  flows: FlowSummary[];
  flow?: FlowDetail;
  run: RunStatus;
  /** Newest capture per scenario while a run goes on, as a small data URL. */
  thumbs: Record<string, { url: string; dataUrl?: string }>;
  evidence?: EvidenceList;
  images: Record<string, string>;
  checks?: CheckResult[];
  pkg?: PackageView;
  /** What still blocks sign-off; the package and email steps make drafts while anything does. */
  signoff?: SignoffState;
  email?: EmailDraft;
  emlPath?: string;
  busy: Record<string, boolean>;
  error?: UiError;
  save: 'idle' | 'saving' | 'saved' | 'error';
  /** False until we know whether a workspace is open, so the welcome page never flashes before the wizard. */
  booted: boolean;

  start(): Promise<void>;
  setLang(lang: Language): void;
  goTo(step: StepId): void;
  dismissError(): void;
  openWorkspace(dir: string): Promise<void>;
  createWorkspace(dir: string, account?: string): Promise<void>;
  openDemo(): Promise<void>;
  editWorkspace(change: (ws: WorkspaceInput) => WorkspaceInput): void;
  flushSave(): Promise<void>;
  setSecrets(input: {
    accessCode?: string;
    requestPhrase?: string;
    responsePhrase?: string;
    shaType?: string;
  }): Promise<void>;
  loadFlows(): Promise<void>;
  selectFlow(name: string): Promise<void>;
  importFlow(name: string, json: string): Promise<boolean>;
  tagStep(step: number, slot: string | null): Promise<void>;
  startRun(options: { concurrency?: number; resume?: boolean }): Promise<void>;
  stopRun(): Promise<void>;
  loadEvidence(): Promise<void>;
  loadImage(runId: string, scenarioId: string, file: string, width: number): Promise<void>;
  setLedger(scenarioId: string, field: LedgerField, value: string): Promise<void>;
  addSnippet(slot: string, code: string): Promise<boolean>;
  /** probeResponse sends a tampered copy of a captured answer to the return URL and a signed one to the feedback URLs (staging or simulator only). */
  verify(probeResponse?: boolean): Promise<void>;
  confirm(checkpointId: string, confirmed: boolean, note: string): Promise<void>;
  loadPackagePlan(): Promise<void>;
  loadSignoff(): Promise<SignoffState | undefined>;
  /** draft: build even though something blocks sign-off (the files say DRAFT). */
  buildPackage(draft?: boolean): Promise<void>;
  openOutputFolder(): Promise<void>;
  loadEmail(): Promise<void>;
  saveEml(): Promise<void>;
}

export type AppStore = StoreApi<AppState>;

export function imageKey(runId: string, scenarioId: string, file: string, width: number): string {
  return `${runId}/${scenarioId}/${file}@${width}`;
}

const SAVE_DELAY_MS = 400;

/**
 * The banner for a failed call. Both transports fail with an ApiCallError carrying message and fix; anything else
 * is a bug in the renderer itself and shows its message.
 */
export function uiError(call: string, err: unknown): UiError {
  if (err instanceof ApiCallError) return { call, message: err.message, hint: err.hint };
  return { call, message: err instanceof Error ? err.message : String(err) };
}

export function createAppStore(api: CertkitApi, options: { lang?: Language; saveDelayMs?: number } = {}): AppStore {
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let pending: WorkspaceInput | undefined;
  let saving: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void)[] = [];
  // The flow pane shows the answer to the latest request only: a slow load started on entering the step must
  // not replace a flow the user imported or picked since.
  let flowRequest = 0;

  return createStore<AppState>((set, get) => {
    /** Runs one call with a busy flag; a failure becomes the error banner (message + fix) instead of a throw. */
    async function guarded<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
      set((s) => ({ busy: { ...s.busy, [key]: true } }));
      try {
        return await fn();
      } catch (err) {
        set({ error: uiError(key, err) });
        return undefined;
      } finally {
        set((s) => ({ busy: { ...s.busy, [key]: false } }));
      }
    }

    async function opened(ws: WorkspaceState | undefined): Promise<void> {
      if (!ws) return;
      set({
        ws,
        booted: true,
        step: 'project',
        flows: [],
        flow: undefined,
        evidence: undefined,
        checks: undefined,
        pkg: undefined,
        signoff: undefined,
        email: undefined,
        emlPath: undefined,
        images: {},
        thumbs: {},
      });
      const [plan, secrets, recent] = await Promise.all([
        guarded('workspace.plan', () => api.workspace.plan({})),
        guarded('secrets.status', () => api.secrets.status({})),
        guarded('workspace.recent', () => api.workspace.recent({})),
      ]);
      set({ plan, secrets, recent: recent?.dirs ?? get().recent });
    }

    function subscribe(): void {
      unsubscribe.forEach((u) => u());
      unsubscribe = [
        api.on('run.progress', (p) => {
          const run = get().run;
          const scenarios = run.scenarios.some((s) => s.id === p.id)
            ? run.scenarios.map((s) => (s.id === p.id ? { ...s, ...p } : s))
            : [...run.scenarios, p];
          set({ run: { ...run, running: true, runId: p.runId, scenarios } });
        }),
        api.on('run.log', (entry) => {
          const run = get().run;
          set({ run: { ...run, log: [...run.log, entry].slice(-400) } });
        }),
        api.on('run.captured', (c) => {
          set((s) => ({ thumbs: { ...s.thumbs, [c.scenarioId]: { url: c.url } } }));
          void api.evidence
            .image({ runId: c.runId, scenarioId: c.scenarioId, file: c.file, width: 320 })
            .then((img) =>
              set((s) => ({ thumbs: { ...s.thumbs, [c.scenarioId]: { url: c.url, dataUrl: img.dataUrl } } })),
            )
            // A thumbnail is a preview only: without it the row shows the URL, and the evidence step the full image.
            .catch(() => undefined);
        }),
        api.on('workspace.changed', ({ dir }) => {
          // Opened from the app menu (Electron) or another tab: follow it.
          if (dir !== get().ws?.dir) void api.workspace.current({}).then((ws) => opened(ws ?? undefined));
        }),
        api.on('run.finished', () => {
          set((s) => ({ run: { ...s.run, running: false } }));
          void get().loadEvidence();
        }),
      ];
    }

    return {
      lang: options.lang ?? 'en',
      step: 'project',
      recent: [],
      flows: [],
      run: { running: false, scenarios: [], log: [] },
      thumbs: {},
      images: {},
      busy: {},
      save: 'idle',
      booted: false,

      async start() {
        subscribe();
        // The wizard paints as soon as the open workspace is known; the rest fills in behind it.
        const rest = Promise.all([
          guarded('app.info', () => api.app.info({})),
          guarded('workspace.recent', () => api.workspace.recent({})),
          guarded('run.status', () => api.run.status({})),
        ]).then(([info, recent, run]) => set((s) => ({ info, recent: recent?.dirs ?? s.recent, run: run ?? s.run })));
        const current = await guarded('workspace.current', () => api.workspace.current({}));
        if (current) await opened(current);
        else set({ booted: true });
        await rest;
      },
      setLang(lang) {
        set({ lang });
      },
      goTo(step) {
        set({ step });
      },
      dismissError() {
        set({ error: undefined });
      },
      async openWorkspace(dir) {
        await opened(await guarded('workspace.open', () => api.workspace.open({ dir })));
      },
      async createWorkspace(dir, account) {
        await opened(await guarded('workspace.init', () => api.workspace.init({ dir, account: account || undefined })));
      },
      async openDemo() {
        await opened(await guarded('workspace.demo', () => api.workspace.demo({})));
      },
      editWorkspace(change) {
        const ws = get().ws;
        if (!ws) return;
        const next = change(structuredClone(pending ?? (ws.workspace as WorkspaceInput)));
        pending = next;
        // The form shows the edit at once; the file is written shortly after typing stops (saved as you go).
        set({ ws: { dir: ws.dir, workspace: next as WorkspaceState['workspace'] }, save: 'saving' });
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = setTimeout(() => void get().flushSave(), options.saveDelayMs ?? SAVE_DELAY_MS);
      },
      async flushSave() {
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = undefined;
        // Saves go one at a time, so an older edit can never land on disk after a newer one.
        const run = saving.then(async () => {
          const input = pending;
          if (!input) return;
          pending = undefined;
          try {
            const saved = await api.workspace.save({ workspace: input });
            if (pending) return;
            set({ ws: saved, save: 'saved', error: get().error?.call === 'workspace.save' ? undefined : get().error });
            const plan = await api.workspace.plan({});
            set({ plan });
          } catch (err) {
            set({ save: 'error', error: uiError('workspace.save', err) });
          }
        });
        saving = run;
        await run;
      },
      async setSecrets(input) {
        const secrets = await guarded('secrets.set', () => api.secrets.set(input));
        if (secrets) set({ secrets });
      },
      async loadFlows() {
        const res = await guarded('flows.list', () => api.flows.list({}));
        if (!res) return;
        set({ flows: res.flows });
        const current = get().flow?.name ?? res.flows[0]?.name;
        if (current && res.flows.some((f) => f.name === current)) await get().selectFlow(current);
      },
      async selectFlow(name) {
        const request = ++flowRequest;
        const flow = await guarded('flows.get', () => api.flows.get({ name }));
        if (flow && request === flowRequest) set({ flow });
      },
      async importFlow(name, json) {
        const request = ++flowRequest;
        const flow = await guarded('flows.import', () => api.flows.import({ name, json }));
        if (!flow) return false;
        if (request === flowRequest) set({ flow });
        const list = await guarded('flows.list', () => api.flows.list({}));
        if (list) set({ flows: list.flows });
        return true;
      },
      async tagStep(step, slot) {
        const name = get().flow?.name;
        if (!name) return;
        const request = ++flowRequest;
        const flow = await guarded('flows.tag', () => api.flows.tag({ name, step, slot }));
        if (flow && request === flowRequest) set({ flow });
      },
      async startRun(opts) {
        set((s) => ({ run: { ...s.run, log: [] }, thumbs: {} }));
        const res = await guarded('run.start', () => api.run.start(opts));
        if (res) set((s) => ({ run: { ...s.run, running: true, runId: res.runId } }));
      },
      async stopRun() {
        await guarded('run.stop', () => api.run.stop({}));
      },
      async loadEvidence() {
        const evidence = await guarded('evidence.list', () => api.evidence.list({}));
        if (evidence) set({ evidence });
      },
      async loadImage(runId, scenarioId, file, width) {
        const key = imageKey(runId, scenarioId, file, width);
        if (get().images[key]) return;
        try {
          const img = await api.evidence.image({ runId, scenarioId, file, width });
          set((s) => ({ images: { ...s.images, [key]: img.dataUrl } }));
        } catch {
          // A missing image shows as an empty frame with its URL; the evidence list already says what failed.
        }
      },
      async setLedger(scenarioId, field, value) {
        const ledger = await guarded('evidence.setLedger', () => api.evidence.setLedger({ scenarioId, field, value }));
        const evidence = get().evidence;
        if (ledger && evidence)
          set({
            evidence: {
              ...evidence,
              scenarios: evidence.scenarios.map((s) => (s.id === scenarioId ? { ...s, ledger } : s)),
            },
          });
      },
      async addSnippet(slot, code) {
        const language = /^\s*[<{[]/.test(code) ? 'json' : 'javascript';
        const ok = await guarded('snippets.add', () => api.snippets.add({ slot, code, language }));
        if (ok) await get().loadEvidence();
        return !!ok;
      },
      async verify(probeResponse) {
        const res = await guarded('checks.verify', () =>
          api.checks.verify(probeResponse ? { probeResponse: true } : {}),
        );
        if (res) set({ checks: res.results });
      },
      async confirm(checkpointId, confirmed, note) {
        const res = await guarded(`checks.confirm`, () => api.checks.confirm({ checkpointId, confirmed, note }));
        if (res) set({ checks: res.results });
      },
      async loadPackagePlan() {
        const pkg = await guarded('package.plan', () => api.package.plan({}));
        if (pkg) set({ pkg });
      },
      async loadSignoff() {
        const signoff = await guarded('signoff.status', () => api.signoff.status({}));
        if (signoff) set({ signoff });
        return signoff;
      },
      async buildPackage(draft = false) {
        const pkg = await guarded('package.build', () => api.package.build({ draft }));
        if (pkg) set({ pkg });
        await get().loadSignoff();
      },
      async openOutputFolder() {
        await guarded('package.openFolder', () => api.package.openFolder({}));
      },
      async loadEmail() {
        // While anything blocks sign-off the preview is a draft that lists it, never a final-looking email.
        const signoff = await get().loadSignoff();
        if (!signoff) return;
        const email = await guarded('email.draft', () => api.email.draft({ draft: !signoff.ready }));
        if (email) set({ email });
      },
      async saveEml() {
        const draft = get().email?.draft ?? true;
        const res = await guarded('email.saveEml', () => api.email.saveEml({ draft }));
        if (res) set({ emlPath: res.path });
      },
    };
  });
}
