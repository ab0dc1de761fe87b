import { z } from 'zod';
import { INTEGRATION_TYPES } from '../aps/checkpoints';
import { METHOD_IDS } from '../aps/methods';
import { LIMITS } from '../limits';

export const WORKSPACE_FILE = 'certkit.json';
export const WORKSPACE_VERSION = 1;

/** Field names that would hold secrets; a workspace that has them is refused, so they never reach disk or git. */
export const SECRET_FIELD_NAMES = [
  'sha_request_phrase',
  'sha_response_phrase',
  'shaRequestPhrase',
  'shaResponsePhrase',
  'access_code',
  'accessCode',
  'requestPhrase',
  'responsePhrase',
  'phrase',
  'password',
];

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const customerSchema = z.strictObject({
  email: z.email({ error: 'must be an email address' }),
  phone: z
    .string()
    .regex(/^\+?[0-9 ()-]{6,19}$/, 'must be a phone number (digits, + - ( ) space)')
    .optional(),
  name: z.string().min(1).max(40).optional(),
});

/** Test customers for new and demo workspaces; people, not `test@test.com`, because APS's reviewers look. */
export const SAMPLE_CUSTOMERS = [
  { email: 'layla.haddad@example.net', phone: '0501234567', name: 'Layla Haddad' },
  { email: 'omar.khalil@example.org', phone: '0559876543', name: 'Omar Khalil' },
  { email: 'sara.alotaibi@example.com', phone: '0534567812', name: 'Sara Alotaibi' },
  { email: 'yusuf.rahman@example.net', phone: '0567812345', name: 'Yusuf Rahman' },
  { email: 'mariam.saleh@example.org', phone: '0541239876', name: 'Mariam Saleh' },
];

/** Reads an identifier shown only on the merchant's page: by CSS selector, by a pattern over the page text, or both. */
export const extractRuleSchema = z.strictObject({
  field: z.string().min(1),
  selector: z.string().optional(),
  pattern: z.string().optional(),
});

export const flowRefSchema = z.strictObject({
  /** Path of the Chrome DevTools Recorder JSON, relative to the workspace folder; several scenarios may share one. */
  file: z.string().min(1),
  /** Rules of this flow, on top of the workspace's `extract`; a rule for the same field replaces the workspace's. */
  extract: z.array(extractRuleSchema).default([]),
});

/** Scenario id -> the run whose evidence speaks for it instead of the scenario's newest run (`certkit pin`). */
export const pinsSchema = z.record(
  z.string(),
  z.string().regex(/^[\w.-]+$/, 'must be a run id (a folder name under runs/)'),
);
export type Pins = z.infer<typeof pinsSchema>;

export const confirmationSchema = z.strictObject({
  confirmed: z.boolean(),
  note: z.string().max(2000).default(''),
  at: z.string(),
});

/** Browser families a run can drive (`--browser firefox`, browser.engine in certkit.json). */
export const BROWSER_ENGINES = ['chromium', 'firefox'] as const;
export type BrowserEngine = (typeof BROWSER_ENGINES)[number];

export const workspaceSchema = z.strictObject({
  version: z.literal(WORKSPACE_VERSION),
  account: z.strictObject({
    name: z.string().trim().min(1, 'the APS account name is needed for the sign-off email subject'),
    merchantIdentifier: z
      .string()
      .regex(/^[A-Za-z0-9]{1,20}$/, 'letters and digits, at most 20')
      .optional(),
    environment: z.enum(['simulator', 'sandbox', 'production']).default('sandbox'),
  }),
  integrationTypes: z.array(z.enum(INTEGRATION_TYPES)).min(1, 'pick at least one integration type'),
  methods: z.array(z.enum(METHOD_IDS)).min(1, 'pick at least one payment method'),
  features: z
    .strictObject({
      installments: z.boolean().default(false),
      savedCards: z.boolean().default(false),
      recurring: z.boolean().default(false),
    })
    .default({ installments: false, savedCards: false, recurring: false }),
  store: z
    .strictObject({
      /** Where the merchant's shop starts; flows use it as {{baseUrl}}. */
      baseUrl: httpUrl.optional(),
      /** The return_url the merchant sends to APS; POSTs to it are recorded. */
      returnUrl: httpUrl.optional(),
      /** The Direct Transaction Feedback and Notification Feedback URLs set in APS's Technical Settings; probed on request. */
      directFeedbackUrl: httpUrl.optional(),
      notificationFeedbackUrl: httpUrl.optional(),
    })
    .default({}),
  aps: z
    .strictObject({
      paymentPage: httpUrl.optional(),
      paymentApi: httpUrl.optional(),
      /** Hosts whose traffic is recorded as APS traffic. */
      hosts: z.array(z.string().min(1)).default([]),
      /**
       * The addresses production API requests will leave from, as the merchant declares them; the verifier shows them
       * beside the sandbox source addresses the relay saw (they must differ). Left out of the file when unset.
       */
      productionInboundIps: z
        .array(z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }))
        .optional(),
    })
    .default({ hosts: [] }),
  customers: z.array(customerSchema).min(1).default(SAMPLE_CUSTOMERS.slice(0, 2)),
  /**
   * Extract rules every flow gets (a flow may add its own or replace one by field). Left out of the file when unset,
   * so a workspace that does not use it stays readable by a Certkit from before it existed.
   */
  extract: z.array(extractRuleSchema).optional(),
  flows: z.record(z.string(), flowRefSchema).default({}),
  browser: z
    .strictObject({
      /** The browser family to drive: Chromium-family over CDP (default), or Firefox over WebDriver BiDi. */
      engine: z.enum(BROWSER_ENGINES).optional(),
      path: z.string().optional(),
      concurrency: z
        .number()
        .int()
        .min(LIMITS.concurrency.min)
        .max(LIMITS.concurrency.max)
        .default(LIMITS.concurrency.default),
      headless: z.boolean().default(true),
    })
    .default({ concurrency: LIMITS.concurrency.default, headless: true }),
  capture: z
    .strictObject({
      format: z.enum(['jpeg', 'png']).default('jpeg'),
      quality: z.number().int().min(40).max(100).default(82),
      maxHeight: z.number().int().min(600).max(30000).default(12000),
      stepTimeoutMs: z.number().int().min(1000).default(30000),
      scenarioTimeoutMs: z.number().int().min(5000).default(180000),
    })
    .default({ format: 'jpeg', quality: 82, maxHeight: 12000, stepTimeoutMs: 30000, scenarioTimeoutMs: 180000 }),
  package: z
    .strictObject({
      maxMb: z.number().min(LIMITS.packageMb.min).max(LIMITS.packageMb.max).default(LIMITS.packageMb.default),
      mailLimitMb: z.number().positive().max(LIMITS.mailLimitMb.max).default(LIMITS.mailLimitMb.default),
    })
    .default({ maxMb: LIMITS.packageMb.default, mailLimitMb: LIMITS.mailLimitMb.default }),
  confirmations: z.record(z.string(), confirmationSchema).default({}),
  /**
   * Runs pinned by hand. Left out of the file when there are none, so a workspace without pins stays readable by a
   * Certkit from before they existed.
   */
  pins: pinsSchema.optional(),
});

export type Workspace = z.infer<typeof workspaceSchema>;
export type WorkspaceInput = z.input<typeof workspaceSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type FlowRef = z.infer<typeof flowRefSchema>;
export type ExtractRule = z.infer<typeof extractRuleSchema>;

/**
 * The extract rules a scenario's flow runs with: the workspace's, then the flow's own; a flow rule for a field the
 * workspace already reads replaces that rule, so one flow can read a value differently.
 */
export function extractRulesFor(workspace: Pick<Workspace, 'extract' | 'flows'>, scenarioId: string): ExtractRule[] {
  const own = workspace.flows[scenarioId]?.extract ?? [];
  const replaced = new Set(own.map((r) => r.field));
  return [...(workspace.extract ?? []).filter((r) => !replaced.has(r.field)), ...own];
}
