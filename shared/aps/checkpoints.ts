import type { MethodId } from './methods';

export const INTEGRATION_TYPES = [
  'hosted',
  'custom_non_pci',
  'custom_pci',
  'mobile',
  'apple_pay_web',
  'apple_pay_sdk',
  'recurring',
] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export interface IntegrationTypeInfo {
  id: IntegrationType;
  label: string;
  /** The heading of its verification table in the go-live checklist. */
  checklistTable: string;
}

export const INTEGRATION_TYPE_INFO: Record<IntegrationType, IntegrationTypeInfo> = {
  hosted: { id: 'hosted', label: 'Hosted Checkout', checklistTable: 'Hosted Checkout Verification' },
  custom_non_pci: {
    id: 'custom_non_pci',
    label: 'Custom Integration (non-PCI)',
    checklistTable: 'Custom Integration - Non-PCI Certified Merchant Verification',
  },
  custom_pci: {
    id: 'custom_pci',
    label: 'Custom Integration (PCI certified)',
    checklistTable: 'Custom Integration - PCI Certified Merchant Verification',
  },
  mobile: { id: 'mobile', label: 'Mobile SDK', checklistTable: 'Mobile Integration Verification' },
  apple_pay_web: {
    id: 'apple_pay_web',
    label: 'Apple Pay (merchant page)',
    checklistTable: 'Merchant Page Implementation:',
  },
  apple_pay_sdk: { id: 'apple_pay_sdk', label: 'Apple Pay (mobile SDK)', checklistTable: 'Mobile SDK Implementation:' },
  recurring: { id: 'recurring', label: 'Recurring Payments', checklistTable: 'Recurring Payments Verification' },
};

/**
 * 'evidence': Certkit decides from captured evidence. 'relay': decided from what the recording relay (`certkit relay`)
 * saw of the merchant's server-to-server calls and APS's feedback; without it the engineer confirms, as for 'confirm'.
 * 'confirm': only the engineer can tell; they confirm with a note.
 */
export type Proof = 'evidence' | 'relay' | 'confirm';

export interface Checkpoint {
  id: string;
  title: string;
  /** Short statement of what must be true. */
  definition: string;
  /** The "Check Point" cell of the checklist row(s) this answers, exactly as printed. */
  checklistRows: string[];
  appliesTo: IntegrationType[];
  /** Only when the workspace offers one of these methods. */
  methods?: MethodId[];
  proof: Proof;
  /** For 'confirm' checkpoints: what to look at before confirming. */
  guide?: string;
}

const ALL_WEB: IntegrationType[] = ['hosted', 'custom_non_pci', 'custom_pci', 'apple_pay_web'];
const SIGNING: IntegrationType[] = ['hosted', 'custom_non_pci', 'custom_pci', 'mobile', 'apple_pay_web', 'recurring'];
const PAYING: IntegrationType[] = ['hosted', 'custom_non_pci', 'custom_pci', 'mobile', 'apple_pay_web'];
const CUSTOM: IntegrationType[] = ['custom_non_pci', 'custom_pci'];
const FEEDBACK_ROW = 'Transaction Feedback Implementation';
const SIGNATURE_ROW = 'Request and Response Signature Calculations and validations';
const EMAIL_ROWS = ['Detect Customer Email Address', 'Detect Customer Email Address and IP'];
const INBOUND_ROW = 'Different Inbound Server IP in Sandbox and Production';

export const CHECKPOINTS: Checkpoint[] = [
  {
    id: 'customer-email',
    title: 'Real customer email',
    proof: 'evidence',
    appliesTo: PAYING,
    checklistRows: EMAIL_ROWS,
    definition:
      'customer_email carries the email the customer typed, never a fixed value; static values get blocked by fraud screening in production.',
  },
  {
    id: 'customer-ip',
    title: 'Real customer IP',
    proof: 'evidence',
    appliesTo: ['custom_non_pci', 'custom_pci', 'mobile', 'apple_pay_web'],
    checklistRows: ['Detect Customer Email Address and IP'],
    definition: "customer_ip carries the public address of the browsing customer, not the server's or a fixed value.",
  },
  {
    id: 'return-url-post',
    title: 'return_url accepts a POST form over https',
    proof: 'evidence',
    appliesTo: ALL_WEB,
    checklistRows: ['Accept responses returned as POST FORMs'],
    definition:
      'Production only returns results as a POST form; the return_url must answer that POST with a page and be https.',
  },
  {
    id: 'request-signature',
    title: 'Request signature correct, empty parameters excluded',
    proof: 'evidence',
    appliesTo: SIGNING,
    checklistRows: [SIGNATURE_ROW],
    definition:
      'Every request is signed over its non-empty parameters, sorted by name, with the request phrase on both ends, and carries no parameter APS would refuse.',
  },
  {
    id: 'response-signature',
    title: 'Response signature validated, values untrimmed',
    proof: 'evidence',
    appliesTo: SIGNING,
    checklistRows: [SIGNATURE_ROW],
    definition:
      'The merchant recomputes the response signature with the response phrase over the values exactly as received, and refuses a response that does not match.',
  },
  {
    id: 'signature-backend',
    title: 'Signatures computed on the back end only',
    proof: 'confirm',
    appliesTo: SIGNING,
    checklistRows: [SIGNATURE_ROW],
    definition: 'SHA phrases live on the server; no page, app bundle or log contains them.',
    guide: 'Search your front-end bundle and mobile app for the SHA phrases and access code; they must not be there.',
  },
  {
    id: 'feedback-urls',
    title: 'Direct and notification feedback endpoints',
    proof: 'relay',
    appliesTo: SIGNING,
    checklistRows: [FEEDBACK_ROW],
    definition:
      'Direct Transaction Feedback and Notification Feedback URLs are configured under Technical Settings, accept POST, answer 2xx, and are real URLs (no apple.com, google.com, example.com).',
    guide:
      "Enter the feedback relay's address as both URLs in Technical settings and run the scenarios (docs/relay.md), or open Integration settings > Technical settings for each active channel, check both URLs point at your own endpoints, and POST a signed sample expecting 2xx.",
  },
  {
    id: 'amount-validation',
    title: 'Amount validated against the order',
    proof: 'evidence',
    appliesTo: PAYING,
    checklistRows: ['Amount Validation'],
    definition:
      'The amount and currency APS returns equal those the merchant requested and show on the receipt (minor units per currency).',
  },
  {
    id: 'command',
    title: 'PURCHASE or AUTHORIZATION, allowed for the method',
    proof: 'evidence',
    appliesTo: ['hosted', ...CUSTOM],
    checklistRows: ['The command parameter value PURCHASE or AUTHORIZATION'],
    definition:
      'The command is PURCHASE or AUTHORIZATION, and PURCHASE for methods that allow nothing else (mada, KNET, NAPS, BENEFIT, OmanNet, STC Pay).',
  },
  {
    id: 'inbound-ip',
    title: 'Different inbound server IP for sandbox and production',
    proof: 'relay',
    appliesTo: ['hosted', 'custom_non_pci', 'custom_pci', 'mobile', 'apple_pay_web', 'recurring'],
    checklistRows: [INBOUND_ROW],
    definition: 'Production API requests leave from a different server IP than sandbox ones.',
    guide:
      'Declare the production server addresses in certkit.json (aps.productionInboundIps) and run the API relay on the staging server, or compare the egress IP of your sandbox and production servers yourself; they must differ.',
  },
  {
    id: 'tokenization-client-side',
    title: 'Tokenization posted from the client',
    proof: 'evidence',
    appliesTo: ['custom_non_pci'],
    checklistRows: ['Tokenization Service command'],
    definition:
      'The TOKENIZATION form is posted by the browser or app straight to APS; card data never passes the merchant server.',
  },
  {
    id: 'three-ds-top-window',
    title: '3DS in the main window, dynamic 3DS handling',
    proof: 'evidence',
    appliesTo: ['hosted', ...CUSTOM],
    checklistRows: ['Dynamic Controller for 3DS'],
    definition:
      'The 3DS challenge opens in the top window (no popup, no iframe); with custom integration the 3ds_url is followed when present, and the final JSON result shown when it is not.',
  },
  {
    id: 'device-fingerprint',
    title: 'device_fingerprint when ReD fraud screening is on',
    proof: 'confirm',
    appliesTo: CUSTOM,
    checklistRows: ['Advanced Fraud Tool( ReD )'],
    definition:
      "If the Advanced Fraud Tool (ReD) is active, purchase and authorization requests carry device_fingerprint from APS's script.",
    guide: 'Ask your account manager whether ReD is active; if so, check purchase requests carry device_fingerprint.',
  },
  {
    id: 'stcpay-dynamic',
    title: 'STC Pay phone and OTP from the customer',
    proof: 'evidence',
    appliesTo: ['custom_non_pci'],
    methods: ['STCPAY'],
    checklistRows: ['STCPAY'],
    definition: 'phone_number and otp are the values the customer typed, never fixed in the request.',
  },
  {
    id: 'knet-receipt',
    title: 'KNET receipt shows the KNET ids, amount and date',
    proof: 'evidence',
    appliesTo: ['hosted'],
    methods: ['KNET'],
    checklistRows: ['Knet'],
    definition:
      'The receipt page shows knet_ref_number, third_party_transaction_number, the amount and the transaction date.',
  },
  {
    id: 'naps-languages',
    title: 'NAPS flow in Arabic and English, QPay guidelines',
    proof: 'evidence',
    appliesTo: ['hosted'],
    methods: ['NAPS'],
    checklistRows: ['NAPS'],
    definition:
      'The whole NAPS flow is captured in Arabic and in English, following the QPAY certification guidelines.',
  },
  {
    id: 'branding-mada',
    title: 'mada branding',
    proof: 'confirm',
    appliesTo: ['hosted', 'custom_non_pci', 'custom_pci', 'mobile'],
    methods: ['MADA'],
    checklistRows: ['MADA'],
    definition: 'The checkout page shows mada branding as the MADA Branding Document describes.',
    guide: 'Compare your checkout and pre-checkout screenshots with the MADA Branding Document.',
  },
  {
    id: 'branding-amex',
    title: 'Amex branding',
    proof: 'confirm',
    appliesTo: ['hosted', 'custom_non_pci', 'custom_pci', 'mobile'],
    methods: ['AMEX'],
    checklistRows: ['Amex'],
    definition: 'Amex branding follows the AMEX branding guidelines.',
    guide: 'Compare your checkout screenshots with the AMEX branding guidelines.',
  },
  {
    id: 'branding-benefit',
    title: 'BENEFIT payment button branding',
    proof: 'confirm',
    appliesTo: ['hosted'],
    methods: ['BENEFIT'],
    checklistRows: ['BENEFIT'],
    definition: 'The BENEFIT payment button follows the BENEFIT Branding Document.',
    guide: 'Compare your checkout screenshot with the BENEFIT Branding Document.',
  },
  {
    id: 'sdk-token-server',
    title: 'SDK_TOKEN generated on the server',
    proof: 'relay',
    appliesTo: ['mobile', 'apple_pay_sdk'],
    checklistRows: ['The SDK_TOKEN generation'],
    definition:
      'The SDK_TOKEN request, which carries the signature, is sent from the merchant server, never from the app.',
    guide:
      'Put the API relay in front of your server and open a payment in the app, or check the app calls your server for the SDK token and holds no SHA phrase or access code.',
  },
  {
    id: 'latest-sdk',
    title: 'Latest mobile SDK',
    proof: 'confirm',
    appliesTo: ['mobile', 'apple_pay_sdk'],
    checklistRows: ['You are using the latest SDK version'],
    definition: 'The app uses the latest Amazon Payment Services mobile SDK release.',
    guide: 'Compare the SDK version in your build files with the newest release of the APS mobile SDK.',
  },
  {
    id: 'applepay-networks',
    title: 'Apple Pay networks include mada and Amex',
    proof: 'evidence',
    appliesTo: ['apple_pay_web'],
    checklistRows: ['Supported Payment methods'],
    definition: 'supportedNetworks lists mada, amex, visa and masterCard.',
  },
  {
    id: 'applepay-country',
    title: 'Apple Pay country code SA for mada',
    proof: 'evidence',
    appliesTo: ['apple_pay_web'],
    checklistRows: ['MADA considerations'],
    definition: 'countryCode is SA when mada is offered, with ApplePaySession version 5 or later.',
  },
  {
    id: 'applepay-capability-web',
    title: 'Apple Pay merchant capability supports3DS',
    proof: 'evidence',
    appliesTo: ['apple_pay_web'],
    checklistRows: ['Applepay capability'],
    definition: 'merchantCapabilities includes supports3DS in the website integration.',
  },
  {
    id: 'applepay-capability-sdk',
    title: 'Apple Pay SDK capability capability3DS',
    proof: 'confirm',
    appliesTo: ['apple_pay_sdk'],
    checklistRows: ['Applepay capability'],
    definition: 'The mobile SDK integration sets merchant capability capability3DS.',
    guide: 'Check the PKPaymentRequest merchantCapabilities in your app includes capability3DS.',
  },
  {
    id: 'recurring-mode',
    title: 'recurring_mode and plan fields in the initial request',
    proof: 'evidence',
    appliesTo: ['recurring'],
    checklistRows: ['Recurring Validation'],
    definition:
      'The initial (CIT) request carries recurring_mode; with FIXED or VARIABLE also recurring_transactions_count, recurring_expiry_date and recurring_days_between_payments.',
  },
  {
    id: 'recurring-agreement',
    title: 'agreement_id unique, alphanumeric, at most 15, returned value reused',
    proof: 'evidence',
    appliesTo: ['recurring'],
    checklistRows: ['Recurring Validation'],
    definition:
      'The CIT agreement_id is unique, letters and digits only, at most 15 characters, and later (MIT) requests use the agreement_id APS returned.',
  },
  {
    id: 'recurring-token',
    title: 'Same token_name for initial and later payments',
    proof: 'evidence',
    appliesTo: ['recurring'],
    checklistRows: ['Recurring Validation'],
    definition: 'The token_name of the initial payment is the one used in every subsequent (MIT) request.',
  },
  {
    id: 'other-browsers',
    title: 'Tested on other browsers and systems',
    proof: 'confirm',
    appliesTo: ['hosted', 'custom_non_pci', 'custom_pci'],
    checklistRows: [],
    definition:
      'APS tests on Google Chrome and asks merchants to confirm normal operation on other browsers and operating systems.',
    guide: 'Run the main flows on Safari, Firefox and Edge, and on a phone.',
  },
];
