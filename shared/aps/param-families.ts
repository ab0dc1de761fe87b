// Optional parameter families a payment request may carry on top of its own parameters: addresses, the fraud
// screening fields, order items, the statement descriptor. The official SDKs send them on every payment model, so
// APS takes them; formats are APS's where it publishes one.
//
// Sources: payfort/payfort-php-sdk src/AmazonPaymentServices/Model/PaymentTypeAdapter.php (billing_*, shipping_*);
// payfort/payfort-dotnet-sdk APS/APS.DotNetSDK/Commands/Requests/PurchaseRequestCommand.cs (the same plus the fraud,
// item, recipient fields and airline_data); the old API reference's ACI ReD fraud table (bhaskarndas/payfortdoc
// docs/aciredfraudparameters.md: lengths); sevaske/payfort-api src/Http/Api.php and payfort/flutter-amazonpaymentservices
// example/lib/utils/param_utils.dart (statement_descriptor, dynamic_descriptor).

/** The same shape as ParamSpec in params.ts (kept structural so neither file imports the other). */
export interface FamilyParamSpec {
  name: string;
  maxLength: number;
  chars?: string;
  values?: readonly string[];
  /** Takes a nested JSON object (only a JSON request can carry one). */
  object?: boolean;
}

export type FamilyId =
  'billing' | 'shipping' | 'customer' | 'ship' | 'recipient' | 'items' | 'fraud_extra' | 'descriptor' | 'airline';

export interface ParamFamily {
  id: FamilyId;
  title: string;
  params: readonly string[];
  /** Where the family is documented or sent. */
  source: string;
}

/** APS gives no length for the address fields; the SDKs pass them through. This only stops runaway values. */
const ADDRESS_MAX = 255;

const BILLING = [
  'billing_stateProvince',
  'billing_provinceCode',
  'billing_street',
  'billing_street2',
  'billing_postcode',
  'billing_country',
  'billing_company',
  'billing_city',
];
const SHIPPING = [
  'shipping_stateProvince',
  'shipping_provinceCode',
  'shipping_street',
  'shipping_street2',
  'shipping_source',
  'shipping_sameAsBilling',
  'shipping_postcode',
  'shipping_country',
  'shipping_company',
  'shipping_city',
];

// [name, max length] from the fraud table; "Numeric" there is kept as a length only, since phone numbers arrive with
// + and spaces from real checkouts and APS's screening takes them.
const CUSTOMER: [string, number][] = [
  ['customer_type', 1],
  ['customer_id', 16],
  ['customer_first_name', 30],
  ['customer_middle_initial', 1],
  ['customer_last_name', 30],
  ['customer_address1', 30],
  ['customer_address2', 30],
  ['customer_apartment_no', 30],
  ['customer_city', 20],
  ['customer_state', 10],
  ['customer_zip_code', 9],
  ['customer_country_code', 3],
  ['customer_phone', 19],
  ['customer_alt_phone', 19],
  ['customer_date_birth', 10],
];
const SHIP: [string, number][] = [
  ['ship_type', 1],
  ['ship_first_name', 30],
  ['ship_middle_name', 1],
  ['ship_last_name', 30],
  ['ship_address1', 30],
  ['ship_address2', 30],
  ['ship_apartment_no', 30],
  ['ship_address_city', 20],
  ['ship_address_state', 3],
  ['ship_zip_code', 9],
  ['ship_country_code', 3],
  ['ship_phone', 19],
  ['ship_alt_phone', 12],
  ['ship_email', 254],
  ['ship_comments', 160],
  ['ship_method', 1],
];
const RECIPIENT: [string, number][] = [
  ['rcpt_title', 5],
  ['rcpt_first_name', 30],
  ['rcpt_middle_initial', 1],
  ['rcpt_last_name', 30],
  ['rcpt_apartment_no', 30],
  ['rcpt_address1', 30],
  ['rcpt_address2', 30],
  ['rcpt_city', 30],
  ['rcpt_state', 10],
  ['rcpt_zip_code', 10],
  ['rcpt_country_code', 3],
  ['rcpt_phone', 19],
  ['rcpt_email', 45],
];
const ITEMS: [string, number][] = [
  ['cart_details', 999],
  ['item_quantity', 10],
  ['item_sku', 12],
  ['item_prod_code', 12],
  ['item_part_no', 30],
  ['item_description', 256],
  ['item_shipping_no', 19],
  ['item_shipping_method', 1],
  ['item_shipping_comments', 160],
  ['item_gift_msg', 160],
];
// fraud_extra1-10 take 256 characters, 11-25 take 30 (the table's "265" for fraud_extra9 is a typo of 256).
const FRAUD_EXTRA: [string, number][] = Array.from({ length: 25 }, (_, i) => [
  `fraud_extra${i + 1}`,
  i < 10 ? 256 : 30,
]);

export const PARAM_FAMILIES: Record<FamilyId, ParamFamily> = {
  billing: { id: 'billing', title: 'billing address', params: BILLING, source: 'PHP SDK, .NET SDK' },
  shipping: { id: 'shipping', title: 'shipping address', params: SHIPPING, source: 'PHP SDK, .NET SDK' },
  customer: {
    id: 'customer',
    title: 'customer details for fraud screening',
    params: CUSTOMER.map(([n]) => n),
    source: 'API reference (ACI ReD fraud), .NET SDK',
  },
  ship: {
    id: 'ship',
    title: 'ship-to details for fraud screening',
    params: SHIP.map(([n]) => n),
    source: 'API reference (ACI ReD fraud), .NET SDK',
  },
  recipient: {
    id: 'recipient',
    title: 'gift recipient details for fraud screening',
    params: RECIPIENT.map(([n]) => n),
    source: 'API reference (ACI ReD fraud), .NET SDK',
  },
  items: {
    id: 'items',
    title: 'order items',
    params: [...ITEMS.map(([n]) => n), 'item_price', 'device_fingerprint'],
    source: 'API reference (ACI ReD fraud), .NET SDK',
  },
  fraud_extra: {
    id: 'fraud_extra',
    title: 'merchant fraud fields',
    params: FRAUD_EXTRA.map(([n]) => n),
    source: 'API reference (ACI ReD fraud), .NET SDK',
  },
  descriptor: {
    id: 'descriptor',
    title: 'statement descriptor',
    params: ['statement_descriptor', 'dynamic_descriptor'],
    source: 'sevaske/payfort-api (purchase request), APS mobile SDK parameter list',
  },
  airline: { id: 'airline', title: 'airline data', params: ['airline_data'], source: '.NET SDK' },
};

/** Formats of the family parameters (device_fingerprint's is in PARAM_SPECS). */
export const FAMILY_SPECS: Record<string, FamilyParamSpec> = Object.fromEntries(
  [
    ...[...BILLING, ...SHIPPING].map((name) => ({ name, maxLength: ADDRESS_MAX })),
    ...[...CUSTOMER, ...SHIP, ...RECIPIENT, ...ITEMS, ...FRAUD_EXTRA].map(([name, maxLength]) => ({ name, maxLength })),
    { name: 'item_price', maxLength: 10, chars: '0-9.' },
    { name: 'statement_descriptor', maxLength: ADDRESS_MAX },
    { name: 'dynamic_descriptor', maxLength: ADDRESS_MAX },
    { name: 'airline_data', maxLength: Number.MAX_SAFE_INTEGER, object: true },
  ].map((s) => [s.name, s]),
);
