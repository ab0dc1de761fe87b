export const APS_ENDPOINTS = {
  sandbox: {
    paymentPage: 'https://sbcheckout.payfort.com/FortAPI/paymentPage',
    paymentApi: 'https://sbpaymentservices.payfort.com/FortAPI/paymentApi',
  },
  production: {
    paymentPage: 'https://checkout.payfort.com/FortAPI/paymentPage',
    paymentApi: 'https://paymentservices.payfort.com/FortAPI/paymentApi',
  },
} as const;

export const PAYMENT_PAGE_PATH = '/FortAPI/paymentPage';
export const PAYMENT_API_PATH = '/FortAPI/paymentApi';

/** Hosts whose traffic is APS traffic when a workspace does not name its own. */
export const DEFAULT_APS_HOSTS = [
  'sbcheckout.payfort.com',
  'checkout.payfort.com',
  'sbpaymentservices.payfort.com',
  'paymentservices.payfort.com',
];
