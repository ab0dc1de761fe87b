// response_code = two-digit status + three-digit message.
export const STATUS_TEXT: Record<string, string> = {
  '00': 'Invalid request',
  '01': 'Order stored',
  '02': 'Authorization success',
  '03': 'Authorization failed',
  '04': 'Capture success',
  '05': 'Capture failed',
  '06': 'Refund success',
  '07': 'Refund failed',
  '08': 'Authorization voided',
  '09': 'Void failed',
  '10': 'Incomplete',
  '11': 'Check status failed',
  '12': 'Check status success',
  '13': 'Purchase failure',
  '14': 'Purchase success',
  '15': 'Uncertain transaction',
  '17': 'Tokenization failed',
  '18': 'Tokenization success',
  '19': 'Transaction pending',
  '20': 'On hold',
  '21': 'SDK token failure',
  '22': 'SDK token success',
  '23': 'Digital wallet failed',
  '24': 'Digital wallet success',
  '40': 'In review',
  '44': '3DS success',
  '45': '3DS failed',
  '52': 'Token created',
  '53': 'Token creation failed',
  '58': 'Token updated',
  '59': 'Token update failed',
  '62': 'Get installment plans success',
  '63': 'Get installment plans failed',
  '66': 'Delete token success',
  '88': 'OTP generated',
  '89': 'OTP generation failed',
  '92': 'OTP verified',
  '93': 'OTP verification failed',
};

export const MESSAGE_TEXT: Record<string, string> = {
  '000': 'Success',
  '001': 'Missing parameter',
  '002': 'Invalid parameter format',
  '003': "Payment option is not available for this merchant's account",
  '004': 'Invalid command',
  '005': 'Invalid amount',
  '006': 'Technical problem',
  '007': 'Duplicate order number',
  '008': 'Signature mismatch',
  '009': 'Invalid merchant identifier',
  '010': 'Invalid access code',
  '012': 'Card expired',
  '013': 'Invalid currency',
  '016': 'Invalid card number',
  '020': 'Transaction declined by the issuer',
  '027': 'Invalid extra parameters',
  '029': 'Insufficient funds',
  '030': 'Authentication failed',
  '032': 'Invalid parameter length',
  '033': 'Parameter value not allowed',
  '036': 'Order not found',
  '037': 'Missing return URL',
  '042': 'Operation amount exceeds the authorized amount',
  '044': 'Token name does not exist',
  '047': 'Order already processed',
  '048': 'Operation amount exceeds captured amount',
  '049': 'Operation not valid for this payment option',
  '062': 'Token has been created',
  '063': 'Token has been updated',
  '064': '3-D Secure check requested',
  '066': 'Merchant reference already exists',
  '070': 'device_id mismatch',
  '072': 'Transaction cancelled by the consumer',
  '073': 'Invalid request format',
  '100': 'Invalid expiry date',
  '102': 'Apple Pay order has been expired',
  '666': 'Transaction declined',
  '748': 'Parameter mismatch between OTP and purchase',
  '777': 'Transaction processed but not confirmed',
  '778': 'Session timed out',
  '983': 'Wait at least 60 seconds between OTP requests',
};

export type ResponseClass =
  'success' | 'pending' | 'on-hold' | '3ds-required' | 'declined' | 'invalid-request' | 'error';

/** Classifies a response the way the official plugins do. */
export function classifyResponse(responseCode: string): ResponseClass {
  const status = responseCode.slice(0, 2);
  const message = responseCode.slice(2);
  if (responseCode === '20064') return '3ds-required';
  if (status === '00') return 'invalid-request';
  if (message === '006' || /^157(7[7-9]|8[01])$/.test(responseCode) || status === '20' || status === '15')
    return 'on-hold';
  if (status === '19') return 'pending';
  if (message === '000' || (['062', '063'].includes(message) && ['18', '52', '58'].includes(status))) return 'success';
  if (['13', '03', '05', '07', '09', '17', '23', '45', '53', '59', '89', '93'].includes(status)) return 'declined';
  return 'error';
}

export function responseCode(status: string, message: string): string {
  return status + message;
}

export function describeResponse(code: string): string {
  return `${STATUS_TEXT[code.slice(0, 2)] ?? 'Unknown status'}: ${MESSAGE_TEXT[code.slice(2)] ?? 'unknown message'}`;
}

/**
 * What an answer usually means for the integration, by its three-digit message: the first thing to look at. Messages
 * not listed have no advice beyond their text.
 */
export const MESSAGE_ADVICE: Record<string, string> = {
  '001': 'a required parameter was not sent; the answer names it',
  '002':
    'a parameter has characters or a format APS does not take (names, phone numbers and descriptions are frequent)',
  '003': 'the payment option is not enabled on this merchant account',
  '005': 'the amount is not a whole number in minor units, or does not fit the currency',
  '008':
    'the request signature does not match: wrong SHA request phrase or type, the phrase not at both ends, or parameters signed that were not posted (empty values signed)',
  '009': 'the merchant identifier is not the account’s',
  '010': 'the access code is not the account’s (or belongs to another integration, such as Apple Pay)',
  '012': 'the test card’s expiry date is in the past',
  '016': 'the card number typed is not a valid card number: the flow typed something other than a test card',
  '020': 'the issuer declined the card',
  '027': 'a parameter APS does not know was sent (often one of the merchant’s own fields)',
  '029': 'the test card has insufficient funds',
  '030': '3-D Secure authentication failed (the password typed on the 3DS page was wrong)',
  '032': 'a parameter is longer or shorter than APS allows',
  '033': 'a parameter has a value APS does not allow here',
  '036': 'APS has no order with this merchant_reference',
  '037': 'the request has no return_url',
  '066': 'this merchant_reference was used before; each trip to APS needs a new one',
  '072': 'the customer cancelled on APS’s page',
  '666': 'the payment was declined; on the sandbox, the test card or test values typed are ones that decline',
  '778': 'the customer took too long on APS’s page',
};

/** "00008 Invalid request: Signature mismatch (usually: ...)": a code as a person reads it. */
export function explainResponse(code: string, message?: string): string {
  const text =
    message && message.trim()
      ? `${STATUS_TEXT[code.slice(0, 2)] ?? 'Unknown status'}: ${message.trim()}`
      : describeResponse(code);
  const advice = MESSAGE_ADVICE[code.slice(2)];
  return `${code} ${text}${advice ? ` (usually: ${advice})` : ''}`;
}
