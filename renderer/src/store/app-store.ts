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
import type { SignoffState } from '../../../shared/schema/signoff';
import type { CheckResult } from '../../../shared/schema/verify';
import type { WorkspaceInput } from '../../../shared/schema/workspace';
import type { Language } from '../../../shared/aps/methods';

export const STEPS = ['project', 'flows', 'run', 'evidence', 'checklist', 'package', 'email'] as const;
export type StepId = (typeof STEPS)[number];

export interface UiError {
  call: string;
  message: string;
  hint?: string;
  /** The engine's Arabic of message and hint, when it wrote the error in both languages. */
  ar?: { message: string; hint?: string };
}

/** How the last run ended, as the Run step's summary says it. */
export interface RunEnd {
  runId: string;
  passed: number;
  failed: number;
  skipped: number;
  stopped: number;
  /** The user pressed Stop. */
  userStopped: boolean;
}

/** What an import did to the flow's tags, shown until the person has looked (or the flow changes). */
export interface ImportNote {
  name: string;
  /** Steps that came tagged out of the import (inferred from where each page is, or tagged in the recording). */
  tagged: { index: number; slot: string }[];
}

export type MailOutcome = CallOutput<'email.open'>['opened'];

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
  importNote?: ImportNote;
  /** The scenario the Flows step's import form is set to (from a "record a flow" fix elsewhere). */
  importFor?: string;
  run: RunStatus;
  lastRun?: RunEnd;
  /** Newest capture per scenario while a run goes on, as a small data URL. */
  thumbs: Record<string, { url: string; dataUrl?: string }>;
  evidence?: EvidenceList;
  images: Record<string, string>;
  checks?: CheckResult[];
  /** What still blocks sign-off; the package and email steps make drafts while anything does. */
  signoff?: SignoffState;
  pkg?: PackageView;
  folder?: CallOutput<'package.openFolder'>;
  email?: EmailDraft;
  emlPath?: string;
  /** The last "open in mail app": how it was opened, and the file. */
  mail?: { opened: MailOutcome; path: string; draft: boolean };
  busy: Record<string, boolean>;
  error?: UiError;
  save: 'idle' | 'saving' | 'saved' | 'error';
  /** False until we know whether a workspace is open, so the welcome page never flashes before the wizard. */
  booted: boolean;
  /** An element (by id) to focus once the step that holds it has drawn it: where a fix takes the person. */
  focusRequest?: { id: string; seq: number };

  start(): Promise<void>;
  setLang(lang: Language): void;
  goTo(step: StepId): void;
  /** Goes to a step and asks for an element of it to take focus once drawn. */
  goToAndFocus(step: StepId, id: string): void;
  dismissError(): void;
  openWorkspace(dir: string): Promise<void>;
  createWorkspace(dir: string, account?: string): Promise<void>;
  openDemo(): Promise<void>;
  inspectFolder(dir: string): Promise<CallOutput<'workspace.inspect'> | undefined>;
  pickFolder(title: string): Promise<string | undefined>;
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
  /** A flow's steps for a form elsewhere (a blocker's "tag this step"), leaving the Flows step's pane as it is. */
  fetchFlow(name: string): Promise<FlowDetail | undefined>;
  importFlow(name: string, json: string): Promise<boolean>;
  setImportFor(scenario: string | undefined): void;
  dismissImportNote(): void;
  tagStep(step: number, slot: string | null, flowName?: string): Promise<boolean>;
  startRun(options: { concurrency?: number; resume?: boolean; only?: string[] }): Promise<void>;
  stopRun(): Promise<void>;
  loadEvidence(): Promise<void>;
  loadImage(runId: string, scenarioId: string, file: string, width: number): Promise<void>;
  setLedger(scenarioId: string, field: LedgerField, value: string): Promise<void>;
  addSnippet(slot: string, code: string): Promise<boolean>;
  /** Imports a screen from outside the browser (`evidence.attach`); true when it was stored. */
  attachScreen(input: { scenarioId: string; slot: string; file: File; url?: string; note?: string }): Promise<boolean>;
  /** probeResponse sends a tampered copy of a captured answer to the return URL and a signed one to the feedback URLs (staging or simulator only). */
  verify(probeResponse?: boolean): Promise<void>;
  confirm(checkpointId: string, confirmed: boolean, note: string): Promise<boolean>;
  loadPackagePlan(): Promise<void>;
  loadSignoff(): Promise<SignoffState | undefined>;
  /** draft: build even though something blocks sign-off (the files say DRAFT). */
  buildPackage(draft?: boolean): Promise<void>;
  openOutputFolder(): Promise<void>;
  loadEmail(): Promise<void>;
  saveEml(draft: boolean): Promise<void>;
  openMail(draft: boolean): Promise<void>;
  /** Copies through the app (Electron's main process), else the page's own clipboard; false when neither could. */
  copyText(text: string): Promise<boolean>;
}

export type AppStore = StoreApi<AppState>;

export function imageKey(runId: string, scenarioId: string, file: string, width: number): string {
  return `${runId}/${scenarioId}/${file}@${width}`;
}

const SAVE_DELAY_MS = 400;
const IDLE_RUN: RunStatus = { running: false, scenarios: [], log: [] };

/**
 * The banner for a failed call. Both transports fail with an ApiCallError carrying message and fix; anything else
 * is a bug in the renderer itself and shows its message.
 */
export function uiError(call: string, err: unknown): UiError {
  if (err instanceof ApiCallError)
    return { call, message: err.message, hint: err.hint, ...(err.ar ? { ar: err.ar } : {}) };
  return { call, message: err instanceof Error ? err.message : String(err) };
}

/** What of a sign-off state the email states (not when it was computed): a change here makes a new preview. */
function signoffKey(s: SignoffState): string {
  return JSON.stringify({ ready: s.ready, blockers: s.blockers, checkpoints: s.checkpoints, probedAt: s.probedAt });
}

function pendingRows(ids: string[]): RunStatus['scenarios'] {
  return ids.map((id) => ({ id, status: 'pending' as const, step: 0, steps: 0 }));
}

export function createAppStore(api: CertkitApi, options: { lang?: Language; saveDelayMs?: number } = {}): AppStore {
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let pending: WorkspaceInput | undefined;
  let saving: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void)[] = [];
  // The flow pane shows the answer to the latest request only: a slow load started on entering the step must
  // not replace a flow the user imported or picked since.
  let flowRequest = 0;
  let focusSeq = 0;
  // The sign-off state the email preview was drafted from, and the latest draft request (older answers are dropped).
  let emailBasis: string | undefined;
  let emailSeq = 0;
  // The sign-off state of the email last saved or opened.
  let savedBasis: string | undefined;

  return createStore<AppState>((set, get) => {
    /**
     * Runs one call with a busy flag; a failure becomes the error banner (message + fix) instead of a throw. A success
     * clears a banner the same call left; a success of something the person did (`action`) clears any banner, so an
     * old failure never stays up beside a later success. A load in the background clears only its own: a refresh
     * after a failed build must not hide why the build failed.
     */
    async function guarded<T>(key: string, fn: () => Promise<T>, action = false): Promise<T | undefined> {
      set((s) => ({ busy: { ...s.busy, [key]: true } }));
      try {
        const value = await fn();
        if (action || get().error?.call === key) set({ error: undefined });
        return value;
      } catch (err) {
        set({ error: uiError(key, err) });
        return undefined;
      } finally {
        set((s) => ({ busy: { ...s.busy, [key]: false } }));
      }
    }

    /** A call the person asked for (a button, a form): its success clears whatever banner is up. */
    function acted<T>(key: string, fn: () => Promise<T>): Promise<T | undefined> {
      return guarded(key, fn, true);
    }

    async function opened(ws: WorkspaceState | undefined): Promise<void> {
      if (!ws) return;
      emailBasis = undefined;
      emailSeq++;
      set({
        ws,
        booted: true,
        step: 'project',
        error: undefined,
        flows: [],
        flow: undefined,
        importNote: undefined,
        importFor: undefined,
        evidence: undefined,
        checks: undefined,
        signoff: undefined,
        pkg: undefined,
        folder: undefined,
        email: undefined,
        emlPath: undefined,
        mail: undefined,
        lastRun: undefined,
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

    /**
     * The preview for this sign-off state. While anything blocks sign-off it is a draft that lists it, never a
     * final-looking email; only the answer to the latest request is shown.
     */
    async function draftEmail(signoff: SignoffState): Promise<void> {
      const seq = ++emailSeq;
      emailBasis = signoffKey(signoff);
      set({ email: undefined });
      const email = await guarded('email.draft', () => api.email.draft({ draft: !signoff.ready }));
      if (email && seq === emailSeq) set({ email });
    }

    /**
     * Leaving the Email step drops its preview: whatever changes meanwhile (the project, evidence, a fix), the step
     * opens on "loading" and then the current email, never on the one seen before.
     */
    function leaving(next: StepId): Partial<AppState> {
      if (next === 'email' || get().step !== 'email') return {};
      emailBasis = undefined;
      emailSeq++;
      return { email: undefined };
    }

    /** Evidence changed (a run ended, a snippet, a tag): what blocks sign-off is asked again where it is shown. */
    function evidenceChanged(): void {
      set({ checks: undefined });
      void get().loadEvidence();
      if (get().signoff) void get().loadSignoff();
      // The package plan lists what is missing; shown stale, it would still ask for what was just added.
      if (get().pkg) void get().loadPackagePlan();
    }

    function subscribe(): void {
      unsubscribe.forEach((u) => u());
      unsubscribe = [
        api.on('run.started', ({ runId, scenarios }) => {
          // The whole run from its start, every scenario pending: progress counts against all of it.
          set((s) => ({
            run: { ...s.run, running: true, runId, scenarios: pendingRows(scenarios) },
            lastRun: undefined,
          }));
        }),
        api.on('run.progress', (p) => {
          const run = get().run;
          // A late event of an earlier run must not reappear in this one.
          if (run.runId && p.runId !== run.runId) return;
          const { runId: _runId, ...row } = p;
          const scenarios = run.scenarios.some((s) => s.id === p.id)
            ? run.scenarios.map((s) => (s.id === p.id ? { ...s, ...row } : s))
            : [...run.scenarios, row];
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
        api.on('run.finished', (f) => {
          set((s) => ({
            run: { ...s.run, running: false },
            lastRun: {
              runId: f.runId,
              passed: f.passed,
              failed: f.failed,
              skipped: f.skipped,
              stopped: f.stoppedScenarios ?? 0,
              userStopped: f.stopped,
            },
          }));
          evidenceChanged();
          void get().loadSignoff();
        }),
      ];
    }

    return {
      lang: options.lang ?? 'en',
      step: 'project',
      recent: [],
      flows: [],
      run: IDLE_RUN,
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
        set({ step, ...leaving(step) });
      },
      goToAndFocus(step, id) {
        set({ step, focusRequest: { id, seq: ++focusSeq }, ...leaving(step) });
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
      async inspectFolder(dir) {
        // Asked as the person types: a failure here only means no answer yet, never a banner.
        return api.workspace.inspect({ dir }).catch(() => undefined);
      },
      async pickFolder(title) {
        const picked = await acted('app.pickFolder', () => api.app.pickFolder({ title }));
        return picked?.dir;
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
            // An edit saved is a success of the person's own: no banner of an earlier failure stays up beside it.
            set({ ws: saved, save: 'saved', error: undefined });
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
        const secrets = await acted('secrets.set', () => api.secrets.set(input));
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
        if (flow && request === flowRequest)
          set((s) => ({ flow, importNote: s.importNote?.name === name ? s.importNote : undefined }));
      },
      async fetchFlow(name) {
        return guarded('flows.get', () => api.flows.get({ name }));
      },
      async importFlow(name, json) {
        const request = ++flowRequest;
        const flow = await acted('flows.import', () => api.flows.import({ name, json }));
        if (!flow) return false;
        const tagged = flow.steps.flatMap((s) => (s.slot ? [{ index: s.index, slot: s.slot }] : []));
        if (request === flowRequest) set({ flow, importNote: { name, tagged }, importFor: undefined });
        const list = await guarded('flows.list', () => api.flows.list({}));
        if (list) set({ flows: list.flows });
        return true;
      },
      setImportFor(scenario) {
        set({ importFor: scenario });
      },
      dismissImportNote() {
        set({ importNote: undefined });
      },
      async tagStep(step, slot, flowName) {
        const name = flowName ?? get().flow?.name;
        if (!name) return false;
        const request = ++flowRequest;
        const flow = await acted('flows.tag', () => api.flows.tag({ name, step, slot }));
        if (!flow) return false;
        if (request === flowRequest && (!flowName || get().flow?.name === name)) set({ flow });
        const list = await guarded('flows.list', () => api.flows.list({}));
        if (list) set({ flows: list.flows });
        if (get().signoff) void get().loadSignoff();
        return true;
      },
      async startRun(opts) {
        // Progress counts against everything this run will do from the first moment, and starts from nothing.
        const ids = opts.only ?? get().plan?.scenarios.map((s) => s.id) ?? [];
        set({
          run: { running: false, runId: undefined, scenarios: pendingRows(ids), log: [] },
          thumbs: {},
          lastRun: undefined,
        });
        const res = await acted('run.start', () => api.run.start(opts));
        if (res) set((s) => ({ run: { ...s.run, running: s.lastRun?.runId !== res.runId, runId: res.runId } }));
        else set({ run: IDLE_RUN });
      },
      async stopRun() {
        await acted('run.stop', () => api.run.stop({}));
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
        const ledger = await acted('evidence.setLedger', () => api.evidence.setLedger({ scenarioId, field, value }));
        const evidence = get().evidence;
        if (ledger && evidence)
          set({
            evidence: {
              ...evidence,
              scenarios: evidence.scenarios.map((s) => (s.id === scenarioId ? { ...s, ledger } : s)),
            },
          });
        if (ledger && get().signoff) void get().loadSignoff();
      },
      async addSnippet(slot, code) {
        const language = /^\s*[<{[]/.test(code) ? 'json' : 'javascript';
        const ok = await acted('snippets.add', () => api.snippets.add({ slot, code, language }));
        if (ok) evidenceChanged();
        return !!ok;
      },
      async attachScreen({ scenarioId, slot, file, url, note }) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        let binary = '';
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        const ok = await acted('evidence.attach', () =>
          api.evidence.attach({ scenarioId, slot, fileName: file.name, data: btoa(binary), url, note }),
        );
        if (ok) await get().loadEvidence();
        return !!ok;
      },
      async verify(probeResponse) {
        // The probe is something the person asked for; the verification on opening the Checklist is a load.
        const res = await guarded(
          'checks.verify',
          () => api.checks.verify(probeResponse ? { probeResponse: true } : {}),
          !!probeResponse,
        );
        if (res) set({ checks: res.results });
        if (res && get().signoff) void get().loadSignoff();
      },
      async confirm(checkpointId, confirmed, note) {
        const res = await acted('checks.confirm', () => api.checks.confirm({ checkpointId, confirmed, note }));
        if (res) set({ checks: res.results });
        if (res && get().signoff) void get().loadSignoff();
        return !!res;
      },
      async loadPackagePlan() {
        const pkg = await guarded('package.plan', () => api.package.plan({}));
        if (pkg) set({ pkg });
      },
      async loadSignoff() {
        const signoff = await guarded('signoff.status', () => api.signoff.status({}));
        if (!signoff) return undefined;
        set({ signoff });
        // The email states what blocks sign-off: once that changed, the file saved before is an old one (its "saved
        // to" notice would stand beside a preview that says otherwise), and so is the preview on screen.
        if (savedBasis !== undefined && savedBasis !== signoffKey(signoff)) {
          savedBasis = undefined;
          set({ emlPath: undefined, mail: undefined });
        }
        if (emailBasis !== undefined && emailBasis !== signoffKey(signoff)) {
          if (get().step === 'email') void draftEmail(signoff);
          else {
            emailBasis = undefined;
            emailSeq++;
            set({ email: undefined });
          }
        }
        return signoff;
      },
      async buildPackage(draft = false) {
        const pkg = await acted('package.build', () => api.package.build({ draft }));
        if (pkg) set({ pkg });
        // A build changes what blocks sign-off only in what it says about the package; the rest stays listed.
        await get().loadSignoff();
      },
      async openOutputFolder() {
        const folder = await acted('package.openFolder', () => api.package.openFolder({}));
        if (folder) set({ folder });
      },
      async loadEmail() {
        // Nothing of an earlier state (another workspace, the blockers before a fix) shows while the current one loads.
        emailBasis = undefined;
        emailSeq++;
        set({ email: undefined });
        const signoff = await get().loadSignoff();
        if (signoff) await draftEmail(signoff);
      },
      async saveEml(draft) {
        const res = await acted('email.saveEml', () => api.email.saveEml({ draft }));
        if (res) {
          savedBasis = emailBasis;
          set({ emlPath: res.path });
        }
      },
      async openMail(draft) {
        const res = await acted('email.open', () => api.email.open({ draft }));
        if (res) {
          savedBasis = emailBasis;
          set({ mail: { opened: res.opened, path: res.path, draft }, emlPath: res.path });
        }
      },
      async copyText(text) {
        const viaApp = await api.app.copyText({ text }).catch(() => undefined);
        if (viaApp?.copied) return true;
        try {
          await navigator.clipboard.writeText(text);
          return true;
        } catch {
          return false;
        }
      },
    };
  });
}
