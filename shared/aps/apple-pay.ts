// Apple Pay on the web with APS: what the go-live checklist and the official plugins require of the payment request.
export const APPLE_PAY_RULES = {
  /** Networks the checklist requires, spelled as Apple's supportedNetworks values. */
  requiredNetworks: ['mada', 'amex', 'visa', 'masterCard'],
  /** Checklist names for the same networks, as printed. */
  requiredNetworkLabels: ['MADA', 'American Express', 'Visa', 'Mastercard'],
  webCapability: 'supports3DS',
  sdkCapability: 'capability3DS',
  /** mada on Apple Pay needs the merchant's country set to Saudi Arabia... */
  madaCountryCode: 'SA',
  /** ...and ApplePaySession version 5 or later. */
  madaMinSessionVersion: 5,
} as const;
