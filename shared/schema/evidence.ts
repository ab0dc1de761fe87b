import { z } from 'zod';

export const EVIDENCE_VERSION = 1;

/**
 * Where a recorded exchange was seen: in the browser's traffic, in the simulator's own log, or by the recording relay
 * in front of the merchant's server-to-server calls and APS's feedback (`certkit relay`).
 */
export const exchangeSchema = z.object({
  id: z.string(),
  /** paymentPage: browser form post to APS. paymentApi: JSON API. return: APS result posted to return_url.
   *  feedback: direct/notification feedback. merchant: another call to the merchant that matters (e.g. 3DS JSON). */
  kind: z.enum(['paymentPage', 'paymentApi', 'return', 'feedback', 'merchant', 'other']),
  method: z.string(),
  url: z.string(),
  requestContentType: z.string().optional(),
  /** Form or JSON fields with secrets removed and card numbers masked. Nested Apple Pay objects stay objects. */
  requestFields: z.record(z.string(), z.unknown()).default({}),
  responseStatus: z.number().optional(),
  responseContentType: z.string().optional(),
  responseFields: z.record(z.string(), z.unknown()).optional(),
  /** The Location of a redirect answer, if any. */
  redirectedTo: z.string().optional(),
  startedAt: z.string(),
  durationMs: z.number().optional(),
  /** Index of the flow step during which it happened (-1 when outside any step). */
  step: z.number().int(),
  frame: z.enum(['top', 'iframe']).default('top'),
  popup: z.boolean().default(false),
  observedBy: z.enum(['browser', 'simulator', 'relay']).default('browser'),
  /** The client address the server saw (simulator log), or the caller of a call the relay recorded. */
  remoteAddress: z.string().optional(),
});
export type Exchange = z.infer<typeof exchangeSchema>;

export const screenshotSchema = z.object({
  /** Image with the drawn URL header, relative to the scenario folder. */
  file: z.string(),
  /** The page image without the header. */
  rawFile: z.string(),
  slot: z.string().optional(),
  url: z.string(),
  title: z.string().default(''),
  /** ISO 8601 with the local offset, as drawn in the header. */
  capturedAt: z.string(),
  timeZone: z.string(),
  step: z.number().int(),
  stepLabel: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  /** Page language and direction as seen when captured. */
  lang: z.string().optional(),
  dir: z.enum(['ltr', 'rtl']).optional(),
  /** Visible text of the page, cut to a few thousand characters, for checks such as the KNET receipt. */
  text: z.string().optional(),
  /** Captured because a step failed. */
  failure: z.boolean().default(false),
  /** The HTTP status the page's document was served with, when the browser saw it (a 405 result page is no result). */
  httpStatus: z.number().int().optional(),
  /**
   * Set on a screen the engineer imported (`certkit attach`: a phone app, Safari's Apple Pay sheet, a real OTP)
   * rather than one Certkit captured; the package, report and email say so wherever the image appears.
   */
  imported: z.object({ note: z.string().optional(), sourceName: z.string() }).optional(),
});
export type Screenshot = z.infer<typeof screenshotSchema>;

export const LEDGER_FIELDS = [
  'merchant_reference',
  'fort_id',
  'response_code',
  'response_message',
  'status',
  'amount',
  'currency',
  'command',
  'agreement_id',
  'token_name',
  'knet_ref_number',
  'third_party_transaction_number',
] as const;
export type LedgerField = (typeof LEDGER_FIELDS)[number];

export const ledgerEntrySchema = z.object({
  values: z.partialRecord(z.enum(LEDGER_FIELDS), z.string()).default({}),
  /** Where each value came from. */
  sources: z.partialRecord(z.enum(LEDGER_FIELDS), z.enum(['traffic', 'page', 'manual', 'check_status'])).default({}),
  /** Set when CHECK_STATUS with the workspace's credentials agreed with the ledger. */
  checkStatus: z
    .object({
      at: z.string(),
      ok: z.boolean(),
      transactionStatus: z.string().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;
export type LedgerValues = LedgerEntry['values'];

export const applePayProbeSchema = z.object({
  version: z.number().int(),
  request: z.object({
    countryCode: z.string().optional(),
    currencyCode: z.string().optional(),
    supportedNetworks: z.array(z.string()).default([]),
    merchantCapabilities: z.array(z.string()).default([]),
    total: z.unknown().optional(),
  }),
  url: z.string(),
  at: z.string(),
});
export type ApplePayProbe = z.infer<typeof applePayProbeSchema>;

/**
 * What the secret-leak scan saw: every script and page the browser loaded during the scenario was searched (in
 * memory) for the workspace's SHA phrases and access code. A hit names the URL and which secret, never its value.
 */
export const LEAK_SECRETS = ['request phrase', 'response phrase', 'access code'] as const;
export const leakScanSchema = z.object({
  scripts: z.number().int(),
  pages: z.number().int(),
  /** Bodies the browser no longer had when asked (a page replaced before it could be read). */
  unreadable: z.number().int().default(0),
  /** Which secrets were searched for (a run without the phrases cannot look for them). */
  searched: z.array(z.enum(LEAK_SECRETS)).default([]),
  hits: z
    .array(z.object({ url: z.string(), kind: z.enum(['script', 'page']), secret: z.enum(LEAK_SECRETS) }))
    .default([]),
});
export type LeakScan = z.infer<typeof leakScanSchema>;

/** A scenario's status in a run: the one set of words the runner, the evidence, the app and the package use. */
export const SCENARIO_STATUSES = ['pending', 'running', 'passed', 'failed', 'skipped'] as const;
export const scenarioStatusSchema = z.enum(SCENARIO_STATUSES);
export type ScenarioStatus = z.infer<typeof scenarioStatusSchema>;

/** How a scenario ended. */
export const scenarioOutcomeSchema = scenarioStatusSchema.extract(['passed', 'failed', 'skipped']);
export type ScenarioOutcome = z.infer<typeof scenarioOutcomeSchema>;

/** A planned scenario as readers show it: the status of its newest evidence, or 'not-run' when it has none. */
export const scenarioStateSchema = z.enum([...SCENARIO_STATUSES, 'not-run']);
export type ScenarioState = z.infer<typeof scenarioStateSchema>;

/** A state as it reads in text for people (package report, PDF cover, email). */
export function scenarioStateText(state: ScenarioState): string {
  return state === 'not-run' ? 'not run' : state;
}

export const scenarioEvidenceSchema = z.object({
  version: z.literal(EVIDENCE_VERSION),
  runId: z.string(),
  scenarioId: z.string(),
  status: scenarioStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z
    .object({
      message: z.string(),
      step: z.number().int().optional(),
      hint: z.string().optional(),
      /** The same in Arabic, for the app's Arabic view; runs before it was written have none. */
      ar: z.object({ message: z.string(), hint: z.string().optional() }).optional(),
    })
    .optional(),
  /** The test customer data this scenario ran with (varied on purpose between scenarios). */
  customer: z.object({ email: z.string(), phone: z.string().optional(), name: z.string().optional() }),
  /** The browser's own address as the merchant should see it. */
  clientAddress: z.string().optional(),
  flowFile: z.string().optional(),
  screenshots: z.array(screenshotSchema).default([]),
  exchanges: z.array(exchangeSchema).default([]),
  ledger: ledgerEntrySchema.default({ values: {}, sources: {} }),
  applePay: applePayProbeSchema.optional(),
  leakScan: leakScanSchema.optional(),
  /** A record of screens the engineer imported (`certkit attach`), not a browser run. */
  imported: z.boolean().optional(),
  /** The browser the scenario ran in: its family and what it calls itself (HeadlessChrome/140..., firefox/153.0). */
  browser: z.object({ engine: z.enum(['chromium', 'firefox']), version: z.string() }).optional(),
});
export type ScenarioEvidence = z.infer<typeof scenarioEvidenceSchema>;

export const runIndexSchema = z.object({
  version: z.literal(EVIDENCE_VERSION),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** Scenario id -> folder (relative to the run folder) and its last known status. */
  scenarios: z.record(z.string(), z.object({ dir: z.string(), status: scenarioStatusSchema })),
});
export type RunIndex = z.infer<typeof runIndexSchema>;

/** A code snippet the user supplied (Apple Pay networks, tokenization code), rendered to an image at package time. */
export const snippetSchema = z.object({
  slot: z.string(),
  language: z.string().default('javascript'),
  file: z.string(),
  addedAt: z.string(),
});
export type Snippet = z.infer<typeof snippetSchema>;
