import type { Language } from '../../../../shared/aps/methods';

/** The store and the simulator speak the catalog's languages. */
export type Lang = Language;

const EN = {
  brand: 'APS Sandbox',
  brandNote: 'Certkit simulator of the Amazon Payment Services sandbox',
  merchant: 'Merchant',
  reference: 'Order reference',
  amount: 'Amount',
  cardNumber: 'Card number',
  expiry: 'Expiry (MM/YY)',
  cvv: 'Security code (CVV)',
  holder: 'Name on card',
  pay: 'Pay now',
  cancel: 'Cancel',
  installments: 'Installment plan',
  plan: (n: number) => (n === 1 ? 'Pay in full' : `${n} monthly installments`),
  threeDsTitle: '3-D Secure authentication',
  threeDsText: (pw: string) =>
    `Your bank asks you to confirm this purchase. Enter the password sent to you (test password: ${pw}).`,
  password: 'Password',
  submit: 'Submit',
  confirm: 'Continue',
  bank: 'Select your bank',
  card: 'Card number',
  pin: 'PIN',
  otp: 'One-time password (OTP)',
  phone: 'Mobile number',
  otpText: 'Enter the one-time password sent to your mobile.',
  approved: 'Transaction approved',
  declined: 'Transaction declined',
  cancelled: 'Transaction cancelled',
  paymentPage: (m: string) => `${m} payment`,
  otpPage: (m: string) => `${m} verification`,
  confirmation: (m: string) => `${m} confirmation`,
  date: 'Date',
  result: 'Result',
  returning: 'Returning to the merchant…',
  refused: 'The payment request was refused',
  invalidCard: 'Check the card number.',
  invalidExpiry: 'Check the expiry date (MM/YY, in the future).',
  invalidCvv: 'Check the security code.',
  madaOnly: 'This payment needs a mada card.',
  paymentId: 'Payment ID',
  refNumber: 'Reference number',
  saveCard: 'Save this card for next time',
  savedCard: 'Saved card',
  payInFull: 'Pay in full',
  planOption: (issuer: string, months: number, perMonth: string, fee: number) =>
    `${issuer}: ${months} months, ${perMonth} a month${fee ? ` (${fee}% fee)` : ''}`,
  planNotForCard: 'This card is not issued by the bank of the chosen plan. Choose another plan or pay in full.',
};

const AR: typeof EN = {
  brand: 'بيئة اختبار APS',
  brandNote: 'محاكي Certkit لبيئة اختبار خدمات الدفع من أمازون',
  merchant: 'التاجر',
  reference: 'مرجع الطلب',
  amount: 'المبلغ',
  cardNumber: 'رقم البطاقة',
  expiry: 'تاريخ الانتهاء (شهر/سنة)',
  cvv: 'رمز الأمان (CVV)',
  holder: 'الاسم على البطاقة',
  pay: 'ادفع الآن',
  cancel: 'إلغاء',
  installments: 'خطة التقسيط',
  plan: (n: number) => (n === 1 ? 'الدفع كاملاً' : `${n} أقساط شهرية`),
  threeDsTitle: 'التحقق الآمن ثلاثي الأبعاد',
  threeDsText: (pw: string) =>
    `يطلب منك البنك تأكيد عملية الشراء. أدخل كلمة المرور المرسلة إليك (كلمة مرور الاختبار: ${pw}).`,
  password: 'كلمة المرور',
  submit: 'إرسال',
  confirm: 'متابعة',
  bank: 'اختر البنك',
  card: 'رقم البطاقة',
  pin: 'الرقم السري',
  otp: 'كلمة المرور لمرة واحدة',
  phone: 'رقم الجوال',
  otpText: 'أدخل كلمة المرور لمرة واحدة المرسلة إلى جوالك.',
  approved: 'تمت الموافقة على العملية',
  declined: 'تم رفض العملية',
  cancelled: 'تم إلغاء العملية',
  paymentPage: (m: string) => `الدفع عبر ${m}`,
  otpPage: (m: string) => `التحقق عبر ${m}`,
  confirmation: (m: string) => `تأكيد ${m}`,
  date: 'التاريخ',
  result: 'النتيجة',
  returning: 'جارٍ العودة إلى التاجر…',
  refused: 'تم رفض طلب الدفع',
  invalidCard: 'تحقق من رقم البطاقة.',
  invalidExpiry: 'تحقق من تاريخ الانتهاء.',
  invalidCvv: 'تحقق من رمز الأمان.',
  madaOnly: 'تتطلب هذه العملية بطاقة مدى.',
  paymentId: 'رقم الدفع',
  refNumber: 'الرقم المرجعي',
  saveCard: 'احفظ هذه البطاقة للمرة القادمة',
  savedCard: 'البطاقة المحفوظة',
  payInFull: 'الدفع كاملاً',
  planOption: (issuer: string, months: number, perMonth: string, fee: number) =>
    `${issuer}: ${months} أشهر، ${perMonth} شهرياً${fee ? ` (رسوم ${fee}٪)` : ''}`,
  planNotForCard: 'هذه البطاقة ليست صادرة من بنك الخطة المختارة. اختر خطة أخرى أو ادفع كاملاً.',
};

export function t(lang: Lang) {
  return lang === 'ar' ? AR : EN;
}

/** response_message follows the request's language, as APS's does. */
const AR_MESSAGES: Record<string, string> = {
  '000': 'عملية ناجحة',
  '666': 'تم رفض العملية',
  '030': 'فشل التحقق',
  '072': 'تم إلغاء العملية من قبل العميل',
  '064': 'مطلوب التحقق الآمن ثلاثي الأبعاد',
};

export function localizedMessage(message3: string, english: string, lang: Lang): string {
  return lang === 'ar' && AR_MESSAGES[message3] ? AR_MESSAGES[message3] : english;
}
