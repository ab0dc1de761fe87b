// Bayt Al Qahwa's flows as Chrome DevTools Recorder exports (with Certkit's slot tags), one per catalog scenario the
// shop takes part in. Placeholders ({{card.number}}, {{customer.email}}, {{dep.merchant_reference}}) are filled by
// Certkit per scenario.

type Step = Record<string, unknown>;
const VIEWPORT: Step = {
  type: 'setViewport',
  width: 1280,
  height: 1024,
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
  isLandscape: false,
};

const at = (testid: string) => [[`[data-testid="${testid}"]`]];
const go = (url: string, slot?: string): Step => ({
  type: 'navigate',
  url,
  assertedEvents: [{ type: 'navigation', url, title: '' }],
  ...(slot ? { certkit: { slot } } : {}),
});
const click = (testid: string, navigates = true): Step => ({
  type: 'click',
  target: 'main',
  selectors: at(testid),
  offsetX: 5,
  offsetY: 5,
  ...(navigates ? { assertedEvents: [{ type: 'navigation' }] } : {}),
});
const type = (testid: string, value: string): Step => ({
  type: 'change',
  target: 'main',
  selectors: at(testid),
  value,
});
const wait = (testid: string, slot?: string): Step => ({
  type: 'waitForElement',
  target: 'main',
  selectors: at(testid),
  ...(slot ? { certkit: { slot } } : {}),
});

function flow(title: string, steps: Step[]): object {
  return { title: `Bayt Al Qahwa: ${title}`, steps: [VIEWPORT, ...steps] };
}

const checkout = (item: 'beans' | 'club', consent: boolean): Step[] => [
  click(item === 'club' ? 'join-club' : 'buy-beans'),
  type('customer-email', '{{customer.email}}'),
  type('customer-name', '{{customer.name}}'),
  ...(consent ? [wait('recurring-consent', 'general.recurring_consent'), click('recurring-consent', false)] : []),
  click('continue'),
];

/** The card form, shot before anything is typed (a saved card's once its box is ticked), so no card number shows. */
const card = (slot: string, save = false): Step[] => [
  wait('card-number', save ? undefined : slot),
  ...(save ? [click('save-card', false), wait('save-card', slot)] : []),
  type('card-holder', '{{card.holder}}'),
  type('card-number', '{{card.number}}'),
  type('card-exp-month', '{{card.expiryMonth}}'),
  type('card-exp-year', '{{card.expiryYear}}'),
  type('card-cvv', '{{card.cvv}}'),
  click('pay-button'),
];

/** Scenario id -> flow, for the scenarios of a custom-integration workspace with saved cards and recurring. */
export function qahwaFlows(): Record<string, object> {
  const paid = wait('result-outcome', 'general.result');
  return {
    'card-non3ds-success': flow('card, no 3-D Secure, then CHECK_STATUS', [
      go('{{baseUrl}}/', 'general.pre_checkout'),
      ...checkout('beans', false),
      ...card('general.checkout'),
      paid,
      click('check-status'),
      wait('aps-status'),
    ]),
    'card-3ds-success': flow('card with 3-D Secure', [
      go('{{baseUrl}}/'),
      ...checkout('beans', false),
      ...card('general.checkout'),
      wait('3ds-password', 'general.three_ds'),
      type('3ds-password', '{{otp}}'),
      click('3ds-submit'),
      paid,
    ]),
    'card-declined': flow('declined card', [
      go('{{baseUrl}}/'),
      ...checkout('beans', false),
      ...card('general.checkout'),
      paid,
    ]),
    'card-save': flow('save the card', [
      go('{{baseUrl}}/'),
      ...checkout('beans', false),
      ...card('general.save_card', true),
      paid,
    ]),
    'card-delete': flow('delete the saved card (UPDATE_TOKEN)', [
      go('{{baseUrl}}/account?email={{customer.email}}'),
      wait('saved-card-row', 'general.delete_card'),
      click('remove-card'),
      wait('merchant-reference'),
    ]),
    'recurring-initial': flow('join the club (initial recurring payment)', [
      go('{{baseUrl}}/'),
      ...checkout('club', true),
      ...card('general.checkout'),
      paid,
    ]),
    'recurring-subsequent': flow('next club delivery (merchant-initiated charge)', [
      go('{{baseUrl}}/club/{{dep.merchant_reference}}'),
      click('charge-next'),
      paid,
    ]),
    'recurring-cancel': flow('cancel the club', [
      go('{{baseUrl}}/club/{{dep.merchant_reference}}'),
      click('cancel-club'),
      paid,
    ]),
  };
}

/** Where the shop prints the identifiers Certkit's ledger needs. */
export const QAHWA_EXTRACT_RULES = [
  { field: 'merchant_reference', selector: '[data-testid="merchant-reference"]' },
  { field: 'fort_id', selector: '[data-testid="fort-id"]' },
  { field: 'agreement_id', selector: '[data-testid="agreement-id"]' },
  { field: 'token_name', selector: '[data-testid="token-name"]' },
];
