import { PAYMENT_METHODS, type Language, type MethodId } from './methods';
import { slotsOfTable } from './slots';
import {
  AGREEMENT_CANCELLED,
  APPROVED_PAYMENT,
  DECLINED_PAYMENT,
  TOKEN_UPDATED,
  type ExpectedAnswer,
} from './outcomes';

export type ScenarioGroup = 'basic' | 'enhanced' | 'recurring' | 'apple_pay' | 'local';
export const OUTCOMES = ['success', 'declined'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type Feature = 'installments' | 'saved_cards' | 'recurring';
/** Identifiers APS's reviewers ask for, read from traffic (or the page) into the ledger. */
export type RecordedId =
  | 'merchant_reference'
  | 'fort_id'
  | 'agreement_id'
  | 'token_name'
  | 'knet_ref_number'
  | 'third_party_transaction_number';

/**
 * When a scenario is in the plan:
 * - 'always': any workspace that takes card payments;
 * - a feature: only when the workspace uses it;
 * - a method: only when the workspace offers that method.
 */
export type ScenarioCondition =
  { kind: 'cards' } | { kind: 'feature'; feature: Feature } | { kind: 'method'; method: MethodId };

export interface Scenario {
  id: string;
  group: ScenarioGroup;
  title: string;
  /** The wording of the checklist line this scenario answers. */
  checklistLine: string;
  /** 'required' when the checklist lists it under "Required Tests"; 'conditional' for "If Applicable"/"If Using". */
  requirement: 'required' | 'conditional';
  condition: ScenarioCondition;
  method: MethodId;
  outcome: Outcome;
  language: Language;
  /** Test card id (cards) or undefined (local methods use LOCAL_TEST_VALUES). */
  card?: string;
  records: RecordedId[];
  /** Slots this scenario must fill, in flow order. */
  slots: string[];
  /** Another scenario whose state this one builds on (e.g. a saved card, an agreement). */
  dependsOn?: string;
  /** What APS must answer for the scenario to have happened; the run judges it from APS's own answer. */
  expects: ExpectedAnswer;
  /**
   * A scenario that differs from another only in its test card (another brand) replays that one's flow when the
   * workspace gives it none of its own: one recording covers every configured brand.
   */
  flowFrom?: string;
}

const BASE_IDS: RecordedId[] = ['merchant_reference', 'fort_id'];
const ids = (table: Parameters<typeof slotsOfTable>[0]) => slotsOfTable(table).map((s) => s.id);

/**
 * The successful non-3DS payment again with another brand's APS test card, for a workspace that takes that brand:
 * the checklist asks for its scenarios with APS's test cards. It replays the same flow; only the card differs.
 */
function brandScenario(method: 'MASTERCARD' | 'AMEX', card: string): Scenario {
  const label = PAYMENT_METHODS[method].label;
  return {
    id: `card-${method.toLowerCase()}-success`,
    group: 'basic',
    title: `Successful transaction, ${label} test card`,
    checklistLine: `Successful transaction (Non-3DS card), ${label} test card`,
    requirement: 'conditional',
    condition: { kind: 'method', method },
    method,
    outcome: 'success',
    language: 'en',
    card,
    records: BASE_IDS,
    slots: ['general.checkout', 'general.result'],
    expects: APPROVED_PAYMENT,
    flowFrom: 'card-non3ds-success',
  };
}

const cardScenarios: Scenario[] = [
  {
    id: 'card-non3ds-success',
    group: 'basic',
    title: 'Successful transaction, non-3DS card',
    checklistLine: 'Successful transaction (Non-3DS card)',
    requirement: 'required',
    condition: { kind: 'cards' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: BASE_IDS,
    slots: ['general.pre_checkout', 'general.checkout', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'card-3ds-success',
    group: 'basic',
    title: 'Successful transaction, 3DS card',
    checklistLine: 'Successful transaction (3DS card)',
    requirement: 'required',
    condition: { kind: 'cards' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-3ds',
    records: BASE_IDS,
    slots: ['general.checkout', 'general.three_ds', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'card-declined',
    group: 'basic',
    title: 'Declined transaction',
    checklistLine: 'Declined transaction (declined card)',
    requirement: 'required',
    condition: { kind: 'cards' },
    method: 'VISA',
    outcome: 'declined',
    language: 'en',
    card: 'visa-declined',
    records: BASE_IDS,
    slots: ['general.checkout', 'general.result'],
    expects: DECLINED_PAYMENT,
  },
  brandScenario('MASTERCARD', 'mastercard-frictionless'),
  brandScenario('AMEX', 'amex-frictionless'),
  {
    id: 'installments-success',
    group: 'enhanced',
    title: 'Installments, successful',
    checklistLine: 'Installments success test',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'installments' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: BASE_IDS,
    slots: ['general.checkout', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'mada-success',
    group: 'enhanced',
    title: 'mada card in SAR, successful',
    checklistLine: 'MADA success test (for SAR currency)',
    requirement: 'conditional',
    condition: { kind: 'method', method: 'MADA' },
    method: 'MADA',
    outcome: 'success',
    language: 'en',
    card: 'mada-3ds',
    records: BASE_IDS,
    slots: ['general.pre_checkout', 'general.checkout', 'general.three_ds', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'card-save',
    group: 'enhanced',
    title: 'Save card with CVV and token name',
    checklistLine: 'Save card request with CVV and token name',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'saved_cards' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: [...BASE_IDS, 'token_name'],
    slots: ['general.save_card', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'card-delete',
    group: 'enhanced',
    title: 'Delete saved card (UPDATE_TOKEN)',
    checklistLine: 'Delete card with UPDATE_TOKEN request',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'saved_cards' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: ['merchant_reference', 'token_name'],
    slots: ['general.delete_card'],
    dependsOn: 'card-save',
    expects: TOKEN_UPDATED,
  },
  {
    id: 'recurring-initial',
    group: 'recurring',
    title: 'Recurring: initial (customer-initiated) payment',
    checklistLine: 'Initial recurring transaction setup',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'recurring' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: [...BASE_IDS, 'agreement_id', 'token_name'],
    slots: ['general.recurring_consent', 'general.checkout', 'general.result'],
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'recurring-subsequent',
    group: 'recurring',
    title: 'Recurring: subsequent (merchant-initiated) payment',
    checklistLine: 'Subsequent recurring payment',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'recurring' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: [...BASE_IDS, 'agreement_id', 'token_name'],
    slots: ['general.result'],
    dependsOn: 'recurring-initial',
    expects: APPROVED_PAYMENT,
  },
  {
    id: 'recurring-cancel',
    group: 'recurring',
    title: 'Recurring: modification or cancellation',
    checklistLine: 'Recurring payment modification/cancellation',
    requirement: 'conditional',
    condition: { kind: 'feature', feature: 'recurring' },
    method: 'VISA',
    outcome: 'success',
    language: 'en',
    card: 'visa-frictionless',
    records: ['merchant_reference', 'agreement_id', 'token_name'],
    slots: ['general.result'],
    dependsOn: 'recurring-initial',
    expects: AGREEMENT_CANCELLED,
  },
  {
    id: 'applepay-success',
    group: 'apple_pay',
    title: 'Apple Pay, successful',
    checklistLine: 'Simulate a successful Apple Pay transaction using Apple test cards',
    requirement: 'conditional',
    condition: { kind: 'method', method: 'APPLE_PAY' },
    method: 'APPLE_PAY',
    outcome: 'success',
    language: 'en',
    records: BASE_IDS,
    slots: ['general.checkout', 'general.result', 'apple_pay.networks_code', 'apple_pay.capabilities_code'],
    expects: APPROVED_PAYMENT,
  },
];

function localPair(method: 'KNET' | 'BENEFIT' | 'OMANNET' | 'STCPAY', extra: RecordedId[] = []): Scenario[] {
  return (['success', 'declined'] as const).map((outcome) => ({
    id: `${method.toLowerCase()}-${outcome}`,
    group: 'local' as const,
    title: `${method} ${outcome === 'success' ? 'successful' : 'declined'} transaction`,
    checklistLine: `${method} ${outcome === 'success' ? 'success' : 'declined'} transaction`,
    requirement: 'conditional' as const,
    condition: { kind: 'method' as const, method },
    method,
    outcome,
    language: 'en' as const,
    records: [...BASE_IDS, ...extra],
    slots: ids(method),
    expects: outcome === 'success' ? APPROVED_PAYMENT : DECLINED_PAYMENT,
  }));
}

const napsScenarios: Scenario[] = (['success', 'declined'] as const).flatMap((outcome) =>
  (['ar', 'en'] as const).map((language) => ({
    id: `naps-${outcome}-${language}`,
    group: 'local' as const,
    title: `NAPS ${outcome === 'success' ? 'successful' : 'declined'} transaction (${language === 'ar' ? 'Arabic' : 'English'})`,
    checklistLine: `NAPS ${outcome === 'success' ? 'success' : 'declined'} transaction, ${language === 'ar' ? 'Arabic' : 'English'}`,
    requirement: 'conditional' as const,
    condition: { kind: 'method' as const, method: 'NAPS' as const },
    method: 'NAPS' as const,
    outcome,
    language,
    records: BASE_IDS,
    slots: ids('NAPS'),
    expects: outcome === 'success' ? APPROVED_PAYMENT : DECLINED_PAYMENT,
  })),
);

export const SCENARIOS: Scenario[] = [
  ...cardScenarios,
  ...localPair('KNET', ['knet_ref_number', 'third_party_transaction_number']),
  ...napsScenarios,
  ...localPair('BENEFIT'),
  ...localPair('OMANNET'),
  ...localPair('STCPAY'),
];
