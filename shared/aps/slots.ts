import type { MethodId } from './methods';

/** Which checklist table a slot comes from: the general "Required Screenshots" table or a method's own table. */
export type SlotTable = 'general' | 'APPLE_PAY' | 'KNET' | 'NAPS' | 'BENEFIT' | 'OMANNET' | 'STCPAY';

export interface ScreenshotSlot {
  id: string;
  table: SlotTable;
  /** The row name exactly as the go-live checklist prints it. */
  checklistName: string;
  /** What the reviewer looks for. */
  requirement: string;
  /** 'page': a browser screenshot. 'snippet': code rendered as an image. */
  kind: 'page' | 'snippet';
  /** Position in the flow, for file ordering. */
  order: number;
}

function slot(
  table: SlotTable,
  id: string,
  order: number,
  checklistName: string,
  requirement: string,
  kind: 'page' | 'snippet' = 'page',
): ScreenshotSlot {
  return {
    id: `${table === 'general' ? 'general' : table.toLowerCase()}.${id}`,
    table,
    checklistName,
    requirement,
    kind,
    order,
  };
}

export const SCREENSHOT_SLOTS: ScreenshotSlot[] = [
  slot('general', 'pre_checkout', 10, 'Pre-checkout page', 'Product page with MADA branding (required for MADA users)'),
  slot('general', 'checkout', 20, 'Checkout page', 'Payment options and form fields visible'),
  slot('general', 'three_ds', 30, '3D Secure page', 'Challenge in the main window, not a popup or iframe'),
  slot('general', 'result', 40, 'Success/failure pages', 'Outcome message for success and for failure'),
  slot(
    'general',
    'tokenization_code',
    50,
    'Tokenization code',
    'Tokenization code of the mobile custom merchant page',
    'snippet',
  ),
  slot('general', 'save_card', 60, 'Save card flow', 'Save-card checkbox and the auto-filled saved card'),
  slot('general', 'delete_card', 70, 'Delete saved card', 'The customer can delete a saved card'),
  slot('general', 'recurring_consent', 80, 'Recurring setup', 'Subscription button, plan details and consent'),
  slot(
    'APPLE_PAY',
    'networks_code',
    10,
    'Supported payment networks',
    'Code listing the networks (mada and Amex included)',
    'snippet',
  ),
  slot(
    'APPLE_PAY',
    'capabilities_code',
    20,
    'Merchant capability settings',
    'Code setting merchantCapabilities',
    'snippet',
  ),
  slot('KNET', 'pre_checkout', 10, 'Pre-checkout page', 'Product/buy page showing the KNET option'),
  slot('KNET', 'checkout', 20, 'Checkout page', 'Payment selection with KNET highlighted'),
  slot('KNET', 'payment_page', 30, 'KNET payment page', 'The KNET payment interface'),
  slot('KNET', 'confirmation', 40, 'KNET confirmation', 'KNET transaction confirmation screen'),
  slot('KNET', 'receipt', 50, 'Receipt page', 'knet_ref_number, third_party_transaction_number, amount and date'),
  slot('NAPS', 'pre_checkout', 10, 'Pre-checkout page', 'In Arabic and in English'),
  slot('NAPS', 'checkout', 20, 'Checkout page', 'In Arabic and in English'),
  slot('NAPS', 'payment_page', 30, 'NAPS payment page', 'In Arabic and in English'),
  slot('NAPS', 'confirmation', 40, 'NAPS confirmation', 'In Arabic and in English'),
  slot('NAPS', 'receipt', 50, 'Receipt page', 'In Arabic and in English'),
  slot('BENEFIT', 'pre_checkout', 10, 'Pre-checkout page', 'Product/service selection'),
  slot('BENEFIT', 'checkout', 20, 'Checkout page', 'BENEFIT option clearly visible, branding followed'),
  slot('BENEFIT', 'payment_page', 30, 'BENEFIT payment page', 'The BENEFIT payment interface'),
  slot('BENEFIT', 'confirmation', 40, 'Order confirmation', 'Transaction confirmation screen'),
  slot('BENEFIT', 'return', 50, 'Post-checkout return', 'Final receipt/confirmation page'),
  slot('OMANNET', 'pre_checkout', 10, 'Pre-checkout page', 'Product selection page'),
  slot('OMANNET', 'checkout', 20, 'Checkout page', 'OmanNet option selection'),
  slot('OMANNET', 'payment_page', 30, 'OmanNet payment page', 'The OmanNet interface'),
  slot('OMANNET', 'otp', 40, 'OmanNet OTP page', 'One-time password verification'),
  slot('OMANNET', 'confirmation', 50, 'Order confirmation', 'Transaction confirmation'),
  slot('OMANNET', 'return', 60, 'Post-checkout return', 'Final receipt page'),
  slot('STCPAY', 'pre_checkout', 10, 'Pre-checkout page', 'Product/service selection'),
  slot('STCPAY', 'checkout', 20, 'Checkout page', 'STC Pay option clearly displayed'),
  slot('STCPAY', 'payment_flow', 30, 'STCPAY payment flow', 'Phone number input and OTP verification'),
  slot('STCPAY', 'return', 40, 'Post-checkout return', 'Transaction completion page'),
];

export function slotsOfTable(table: SlotTable | MethodId): ScreenshotSlot[] {
  return SCREENSHOT_SLOTS.filter((s) => s.table === table).sort((a, b) => a.order - b.order);
}
