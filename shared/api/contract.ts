import { z } from 'zod';
import { LANGUAGES, METHOD_IDS } from '../aps/methods';
import { LIMITS } from '../limits';
import { OUTCOMES } from '../aps/scenarios';
import { checkResultSchema } from '../schema/verify';
import { signoffStateSchema } from '../schema/signoff';
import { capturedEventSchema, runFinishedEventSchema } from '../schema/events';
import { LEDGER_FIELDS, ledgerEntrySchema, scenarioStateSchema, scenarioStatusSchema } from '../schema/evidence';
import { workspaceSchema } from '../schema/workspace';
import type { CallName, Domain, EventName, Method } from './names';
import { CALL_NAMES } from './names';
import { isAbsolutePath } from '../paths';
import { isInsideRelativePath } from '../relative-path';
import { logEventSchema } from './run-log';

// The one contract between the renderer and the engine. Both transports (Electron IPC and the loopback HTTP host)
// bind this table with one generic binder each; the renderer only ever sees the typed client derived from it.

export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallSpec<I, O> {
  return { input, output };
}

const none = z.strictObject({});
const ok = z.object({ ok: z.literal(true) });
const absPath = z
  .string()
  .min(1, 'a folder path is needed')
  .max(4096)
  .refine(isAbsolutePath, 'must be an absolute folder path (from / or a drive letter such as C:\\)');

export const workspaceStateSchema = z.object({
  dir: z.string(),
  workspace: workspaceSchema,
});
export type WorkspaceState = z.infer<typeof workspaceStateSchema>;

/** What the wizard shows of the plan: the scenarios to run and the checkpoints to meet, in catalog order. */
export const planViewSchema = z.object({
  scenarios: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      outcome: z.enum(OUTCOMES),
      /** The page slots this scenario's flow must tag a step for, in this workspace. */
      slots: z.array(z.string()).default([]),
    }),
  ),
  checkpoints: z.array(z.object({ id: z.string(), title: z.string() })),
});
export type PlanView = z.infer<typeof planViewSchema>;

export const secretsStatusSchema = z.object({
  /** Where secrets live: the OS keychain (Electron) or this host process's memory (browser host, lost on exit). */
  store: z.enum(['keychain', 'memory']),
  accessCode: z.boolean(),
  requestPhrase: z.boolean(),
  responsePhrase: z.boolean(),
  shaType: z.string(),
});
export type SecretsStatus = z.infer<typeof secretsStatusSchema>;

export const flowStepSchema = z.object({
  index: z.number().int(),
  type: z.string(),
  label: z.string(),
  slot: z.string().optional(),
});
export const flowSummarySchema = z.object({
  name: z.string(),
  file: z.string(),
  title: z.string(),
  stepCount: z.number().int(),
  placeholders: z.array(z.string()),
  /** The slots its steps are tagged with, in step order. */
  slots: z.array(z.string()).default([]),
});
export type FlowSummary = z.infer<typeof flowSummarySchema>;
export const flowDetailSchema = flowSummarySchema.extend({ steps: z.array(flowStepSchema) });
export type FlowDetail = z.infer<typeof flowDetailSchema>;

/**
 * A scenario's state in the app's view of a run: the engine's statuses, plus 'stopped' for one the user's Stop
 * ended or kept from starting, so a stopped run is never counted as failures or as skipped (already complete).
 */
export const RUN_VIEW_STATUSES = [...scenarioStatusSchema.options, 'stopped'] as const;

/** What an import did to a raw recording, for the person to review (steps are 1-based, as people count). */
export const importReportSchema = z.object({
  scenarios: z.array(z.string()),
  substitutions: z.array(
    z.object({
      step: z.number().int(),
      field: z.string(),
      page: z.string(),
      placeholder: z.string(),
      recorded: z.string(),
      by: z.enum(['name', 'shape', 'position']),
    }),
  ),
  kept: z.array(
    z.object({ step: z.number().int(), field: z.string(), page: z.string(), recorded: z.string(), why: z.string() }),
  ),
  /** Slots put on steps: inferred from where each page is, already in the recording, or set by the person. */
  slots: z.array(
    z.object({
      step: z.number().int(),
      slot: z.string(),
      url: z.string(),
      why: z.string(),
      source: z.enum(['inferred', 'recording', 'set']),
    }),
  ),
  missingSlots: z.array(z.string()),
  /** Placeholder -> scenario -> value the run fills in. */
  values: z.array(z.object({ placeholder: z.string(), byScenario: z.record(z.string(), z.string().optional()) })),
  baseUrlSet: z.string().optional(),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const scenarioRunSchema = z.object({
  id: z.string(),
  status: z.enum(RUN_VIEW_STATUSES),
  step: z.number().int().default(0),
  steps: z.number().int().default(0),
  message: z.string().optional(),
  /** `message` in Arabic, when it says why the scenario failed and the engine wrote that in Arabic. */
  messageAr: z.string().optional(),
});
export type ScenarioRun = z.infer<typeof scenarioRunSchema>;

/** A line of the run log: `line` is its English text, `event` what it says as data, for the app to say it in its language. */
export const logEntrySchema = z.object({
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  line: z.string(),
  event: logEventSchema.optional(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

export const runStatusSchema = z.object({
  running: z.boolean(),
  runId: z.string().optional(),
  scenarios: z.array(scenarioRunSchema),
  log: z.array(logEntrySchema),
});
export type RunStatus = z.infer<typeof runStatusSchema>;

export const shotSchema = z.object({
  file: z.string(),
  slot: z.string().optional(),
  url: z.string(),
  stepLabel: z.string(),
  capturedAt: z.string(),
  failure: z.boolean(),
});
export const evidenceScenarioSchema = z.object({
  id: z.string(),
  title: z.string(),
  method: z.enum(METHOD_IDS),
  outcome: z.enum(OUTCOMES),
  language: z.enum(LANGUAGES),
  status: scenarioStateSchema,
  /** The run the evidence comes from: the scenario's newest, or the one pinned. */
  runId: z.string().optional(),
  pinned: z.boolean().default(false),
  error: z.string().optional(),
  /** The same in Arabic, when the engine wrote it (old evidence has none). */
  errorAr: z.string().optional(),
  screenshots: z.array(shotSchema),
  ledger: ledgerEntrySchema,
});
export type EvidenceScenario = z.infer<typeof evidenceScenarioSchema>;
export const evidenceListSchema = z.object({
  scenarios: z.array(evidenceScenarioSchema),
  slots: z.array(
    z.object({
      id: z.string(),
      checklistName: z.string(),
      kind: z.enum(['page', 'snippet']),
      filled: z.boolean(),
    }),
  ),
});
export type EvidenceList = z.infer<typeof evidenceListSchema>;

export const packageFileSchema = z.object({
  name: z.string(),
  kind: z.string(),
  items: z.number().int(),
  bytes: z.number().int(),
  /** True when bytes is an estimate from the plan rather than the built file. */
  estimated: z.boolean(),
  path: z.string().optional(),
});
export const packageViewSchema = z.object({
  maxBytes: z.number().int(),
  outputDir: z.string(),
  files: z.array(packageFileSchema),
  /** Problems the build met (an unreadable image, one shrunk to fit), in English as the package records them. */
  warnings: z.array(z.string()).default([]),
  /** Screenshots and snippets the checklist asks for that the current evidence lacks, as data the app names. */
  missing: z
    .array(z.object({ slot: z.string(), scenarioId: z.string().optional(), scenarioRan: z.boolean() }))
    .default([]),
  /** The package on disk is a draft (its file names start with DRAFT_). */
  draft: z.boolean().default(false),
});
export type PackageView = z.infer<typeof packageViewSchema>;

export const emailDraftSchema = z.object({
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  attachments: z.array(z.object({ name: z.string(), bytes: z.number().int() })),
  mailto: z.string(),
  /** A draft says DRAFT in its subject, text and file names. */
  draft: z.boolean().default(false),
});
export type EmailDraft = z.infer<typeof emailDraftSchema>;

const scenarioId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,80}$/i, 'must be a scenario id from the plan');
const relFile = z.string().min(1).max(500).refine(isInsideRelativePath, 'must be a file inside the scenario folder');

export const CONTRACT = {
  'app.info': call(
    none,
    z.object({
      version: z.string(),
      transport: z.enum(['electron', 'browser']),
      secretsStore: z.enum(['keychain', 'memory']),
    }),
  ),
  'app.pickFolder': call(
    z.strictObject({ title: z.string().max(200).optional() }),
    // supported: false where there is no OS picker (the browser host): the page asks for a typed path instead.
    z.object({ supported: z.boolean(), dir: z.string().optional() }),
  ),
  // copied: false where the page writes the clipboard itself (the browser host).
  'app.copyText': call(z.strictObject({ text: z.string().max(2_000_000) }), z.object({ copied: z.boolean() })),
  'workspace.current': call(none, workspaceStateSchema.nullable()),
  // What a typed folder path is, for the welcome page to say before anything is created or opened.
  'workspace.inspect': call(
    z.strictObject({ dir: z.string().max(4096) }),
    z.object({
      absolute: z.boolean(),
      exists: z.boolean(),
      folder: z.boolean(),
      workspace: z.boolean(),
      /** Nothing in the folder yet (a new workspace goes there without mixing into other files). */
      empty: z.boolean(),
      account: z.string().optional(),
    }),
  ),
  'workspace.open': call(z.strictObject({ dir: absPath }), workspaceStateSchema),
  'workspace.init': call(
    z.strictObject({ dir: absPath, account: z.string().trim().min(1).max(120).optional() }),
    workspaceStateSchema,
  ),
  'workspace.demo': call(z.strictObject({ dir: absPath.optional() }), workspaceStateSchema),
  'workspace.save': call(z.strictObject({ workspace: workspaceSchema }), workspaceStateSchema),
  'workspace.recent': call(none, z.object({ dirs: z.array(z.string()) })),
  'workspace.plan': call(none, planViewSchema),
  'secrets.status': call(none, secretsStatusSchema),
  'secrets.set': call(
    z.strictObject({
      accessCode: z.string().max(200).optional(),
      requestPhrase: z.string().max(200).optional(),
      responsePhrase: z.string().max(200).optional(),
      shaType: z.string().max(20).optional(),
    }),
    secretsStatusSchema,
  ),
  'flows.list': call(none, z.object({ flows: z.array(flowSummarySchema) })),
  'flows.get': call(z.strictObject({ name: z.string().min(1).max(120) }), flowDetailSchema),
  'flows.import': call(
    z.strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]{0,80}$/i, 'letters, digits, dot, dash or underscore (it names the flow file)'),
      json: z.string().min(2).max(5_000_000),
      /** More scenarios the same recording serves (e.g. the declined twin); `name` is always one of them. */
      scenarios: z.array(scenarioId).optional(),
    }),
    flowDetailSchema.extend({ imported: importReportSchema }),
  ),
  'flows.tag': call(
    z.strictObject({
      name: z.string().min(1).max(120),
      step: z.number().int().min(0),
      slot: z.string().max(80).nullable(),
    }),
    flowDetailSchema,
  ),
  'run.start': call(
    z.strictObject({
      concurrency: z.number().int().min(LIMITS.concurrency.min).max(LIMITS.concurrency.max).optional(),
      resume: z.boolean().optional(),
      only: z.array(scenarioId).optional(),
    }),
    z.object({ runId: z.string() }),
  ),
  'run.stop': call(none, z.object({ stopped: z.boolean() })),
  'run.status': call(none, runStatusSchema),
  'evidence.list': call(none, evidenceListSchema),
  'evidence.image': call(
    z.strictObject({
      runId: z.string().regex(/^(?!\.+$)[\w.-]+$/, 'must be a run id from the evidence list'),
      scenarioId,
      file: relFile,
      width: z.number().int().min(64).max(2400).optional(),
    }),
    z.object({ dataUrl: z.string(), width: z.number().int(), height: z.number().int() }),
  ),
  'evidence.setLedger': call(
    z.strictObject({ scenarioId, field: z.enum(LEDGER_FIELDS), value: z.string().trim().max(200) }),
    ledgerEntrySchema,
  ),
  // probeResponse: replays a captured result to return_url with one field changed and posts a signed one to the
  // feedback URLs, so only for the simulator or a staging store.
  'checks.verify': call(
    z.strictObject({ probeResponse: z.boolean().optional() }),
    z.object({ results: z.array(checkResultSchema) }),
  ),
  'checks.confirm': call(
    z.strictObject({ checkpointId: z.string().min(1).max(80), confirmed: z.boolean(), note: z.string().max(2000) }),
    z.object({ results: z.array(checkResultSchema) }),
  ),
  // Whether the workspace may be signed off, and each thing that blocks it with the action that fixes it. Uses the
  // checklist last verified (with the response probes kept from before), like the package and the email.
  'signoff.status': call(none, signoffStateSchema),
  // Pins a scenario's evidence to one run (null: back to its newest run); kept in certkit.json.
  'evidence.pin': call(
    z.strictObject({
      scenarioId,
      runId: z
        .string()
        .regex(/^[\w.-]+$/)
        .nullable(),
    }),
    z.object({ ok: z.literal(true) }),
  ),
  // A screen Certkit cannot capture (a phone app, Safari's Apple Pay sheet), imported as evidence of a scenario's
  // slot: re-encoded without its metadata and headed as imported by the engineer (`certkit attach`).
  'evidence.attach': call(
    z.strictObject({
      scenarioId,
      slot: z.string().min(1).max(80),
      fileName: z.string().min(1).max(255),
      /** The PNG or JPEG file, base64. */
      data: z.string().min(1).max(42_000_000),
      url: z.string().max(2000).optional(),
      note: z.string().max(500).optional(),
    }),
    z.object({ runId: z.string(), file: z.string(), status: scenarioStatusSchema, missingSlots: z.array(z.string()) }),
  ),
  'snippets.add': call(
    z.strictObject({
      slot: z.string().min(1).max(80),
      language: z.string().max(30).default('javascript'),
      code: z.string().min(1).max(200_000),
    }),
    ok,
  ),
  'package.plan': call(none, packageViewSchema),
  // Builds what the checklist asks for: the zips and the PDF of the same screenshots (as `certkit package` does).
  // Refused while anything blocks sign-off unless draft is true; a draft's files are named DRAFT_...
  'package.build': call(z.strictObject({ draft: z.boolean().default(false) }), packageViewSchema),
  'package.openFolder': call(none, z.object({ path: z.string(), opened: z.boolean() })),
  // email.draft only reads (the evidence, checks and built package); saveEml writes the .eml, text and mailto
  // files. Both are refused while anything blocks sign-off unless draft is true (the email then says DRAFT).
  'email.draft': call(z.strictObject({ draft: z.boolean().default(false) }), emailDraftSchema),
  'email.saveEml': call(
    z.strictObject({ draft: z.boolean().default(false) }),
    z.object({ path: z.string(), bytes: z.number().int() }),
  ),
  // Saves the .eml as saveEml does, then hands it to the mail app; a short mailto: link where no app takes the file.
  'email.open': call(
    z.strictObject({ draft: z.boolean().default(false) }),
    z.object({ path: z.string(), opened: z.enum(['file', 'mailto', 'none']), mailto: z.string() }),
  ),
} satisfies Record<CallName, CallSpec>;

export type Contract = typeof CONTRACT;
export type CallInput<N extends CallName> = z.input<Contract[N]['input']>;
export type CallParsedInput<N extends CallName> = z.output<Contract[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Contract[N]['output']>;

// The app's events. run.captured and run.finished carry the engine's own run events (shared/schema/events.ts)
// without their type tag; run.progress is the tracker's per-scenario view; run.log its log lines.
export const EVENTS = {
  /** The scenarios of the run, all pending, before any of them starts: the whole of what the run will do. */
  'run.started': z.object({ runId: z.string(), scenarios: z.array(z.string()) }),
  'run.progress': scenarioRunSchema.extend({ runId: z.string() }),
  'run.captured': capturedEventSchema.omit({ type: true }),
  'run.log': logEntrySchema,
  'run.finished': runFinishedEventSchema
    .omit({ type: true })
    .extend({ stopped: z.boolean(), stoppedScenarios: z.number().int().default(0) }),
  'workspace.changed': z.object({ dir: z.string() }),
} satisfies Record<EventName, z.ZodType>;
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;

/** What an implementation of the contract is: one async function per call, fed parsed input. */
export type ApiTable = { [N in CallName]: (input: CallParsedInput<N>) => Promise<CallOutput<N>> };

/** The renderer's view: calls grouped by domain (`api.workspace.open(...)`) and `on(event, cb)` -> unsubscribe. */
export type CertkitApi = {
  [D in Domain<CallName>]: {
    [N in CallName as Domain<N> extends D ? Method<N> : never]: (input: CallInput<N>) => Promise<CallOutput<N>>;
  };
} & {
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
};

export function isCallName(name: string): name is CallName {
  return (CALL_NAMES as readonly string[]).includes(name);
}
