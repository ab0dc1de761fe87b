import { z } from 'zod';
import { scenarioStateSchema, scenarioStatusSchema } from './evidence';
import { checkStatusSchema } from './verify';

// What stands between a workspace and its sign-off, as one machine-readable answer: the CLI prints it when it
// refuses a package or an email, the app shows it as a list of things to do. Computed in electron/engine/signoff/.

/** Which run a scenario's evidence comes from, and why that one. */
export const scenarioSourceSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** The status of the evidence used, or 'not-run' when there is none. */
  state: scenarioStateSchema,
  runId: z.string().optional(),
  /** When that evidence was captured (finished, else started). */
  at: z.string().optional(),
  /** Chosen by `certkit pin`, not by being the newest. */
  pinned: z.boolean().default(false),
  /** With a pin: the newest attempt, when it is another run. */
  newest: z.object({ runId: z.string(), status: scenarioStatusSchema }).optional(),
});
export type ScenarioSource = z.infer<typeof scenarioSourceSchema>;

/** What to do about a blocker; the app turns each into a button or a link to the right step. */
export const signoffActionSchema = z.discriminatedUnion('action', [
  /** Run the scenario again (after fixing whatever made it fail). */
  z.object({ action: z.literal('rerun'), scenario: z.string() }),
  /** The scenario has no flow: record or import one. */
  z.object({ action: z.literal('add-flow'), scenario: z.string() }),
  /** Mark the flow step that shows this page with the slot, then run again. */
  z.object({ action: z.literal('tag-step'), scenario: z.string(), slot: z.string() }),
  /** Add the code snippet this slot asks for. */
  z.object({ action: z.literal('add-snippet'), slot: z.string() }),
  /** Confirm the checkpoint by hand, with a note saying what was checked. */
  z.object({ action: z.literal('confirm'), checkpoint: z.string() }),
  /** Change the merchant's integration as the checkpoint's fix says, then run these scenarios (or the probe) again. */
  z.object({
    action: z.literal('fix-integration'),
    checkpoint: z.string(),
    rerun: z.array(z.string()),
    probe: z.boolean(),
  }),
  /** Verify with the response probes (simulator or staging store only). */
  z.object({ action: z.literal('probe') }),
  /** Drop the pin so the scenario's newest run speaks for it, or pin another run. */
  z.object({ action: z.literal('unpin'), scenario: z.string() }),
  /** Build the package (without --draft) from the current evidence. */
  z.object({ action: z.literal('build-package') }),
]);
export type SignoffAction = z.infer<typeof signoffActionSchema>;

export const BLOCKER_KINDS = [
  'scenario-failed',
  'scenario-unfinished',
  'scenario-not-run',
  'pin-broken',
  'slot-missing',
  'snippet-missing',
  'checkpoint-failed',
  'checkpoint-needs-confirmation',
  'checkpoint-no-evidence',
  'package-missing',
  'package-draft',
  'package-stale',
] as const;
export type BlockerKind = (typeof BLOCKER_KINDS)[number];

export const blockerSchema = z.object({
  kind: z.enum(BLOCKER_KINDS),
  scenario: z.string().optional(),
  slot: z.string().optional(),
  checkpoint: z.string().optional(),
  /** One line a person reads. */
  message: z.string(),
  /** Why a scenario failed, in Arabic, for the app's Arabic view (a failure recorded without Arabic has none). */
  reasonAr: z.string().optional(),
  /** What fixes it. */
  fix: signoffActionSchema,
  /** Other ways out (a checkpoint awaiting a probe can also be confirmed by hand). */
  alternatives: z.array(signoffActionSchema).default([]),
});
export type Blocker = z.infer<typeof blockerSchema>;

/** One checkpoint as the package, report and email state it. */
export const checkpointStatementSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: checkStatusSchema,
});

export const signoffStateSchema = z.object({
  /** True when nothing blocks sign-off: the package and email may be built without --draft. */
  ready: z.boolean(),
  blockers: z.array(blockerSchema),
  scenarios: z.array(scenarioSourceSchema),
  checkpoints: z.array(checkpointStatementSchema),
  /** When the checkpoints were decided, and when the response probes they include were sent (if ever). */
  verifiedAt: z.string(),
  probedAt: z.string().optional(),
});
export type SignoffState = z.infer<typeof signoffStateSchema>;

/** Blockers about the built package: they do not stop the package itself from being built. */
export const PACKAGE_BLOCKERS: readonly BlockerKind[] = ['package-missing', 'package-draft', 'package-stale'];
