import { CATALOG } from './catalog-index';
import { INTEGRATION_TYPES, type IntegrationType } from './checkpoints';
import type { Language } from './methods';
import type { Scenario } from './scenarios';

/**
 * Arabic names of the catalog's scenarios, screenshot slots and checkpoints, for the app's Arabic view.
 * Packages, the report and the email keep APS's English names: the reviewers work from the English checklist.
 * API names (return_url, token_name, PURCHASE) stay as APS spells them.
 */

const CARD_SCENARIOS: Record<string, string> = {
  'card-non3ds-success': 'معاملة ناجحة ببطاقة بدون 3DS',
  'card-3ds-success': 'معاملة ناجحة ببطاقة مع 3DS',
  'card-declined': 'معاملة مرفوضة',
  'card-mastercard-success': 'معاملة ناجحة ببطاقة ماستركارد التجريبية',
  'card-amex-success': 'معاملة ناجحة ببطاقة أمريكان إكسبريس التجريبية',
  'installments-success': 'دفع بالتقسيط، ناجح',
  'mada-success': 'بطاقة مدى بالريال السعودي، ناجحة',
  'card-save': 'حفظ البطاقة مع CVV واسم الرمز',
  'card-delete': 'حذف بطاقة محفوظة (UPDATE_TOKEN)',
  'recurring-initial': 'الدفع المتكرر: الدفعة الأولى (يبدؤها العميل)',
  'recurring-subsequent': 'الدفع المتكرر: دفعة لاحقة (يبدؤها التاجر)',
  'recurring-cancel': 'الدفع المتكرر: تعديل أو إلغاء',
  'applepay-success': 'Apple Pay، معاملة ناجحة',
};

/** Local payment methods follow one pattern: the method, the outcome, and for NAPS the page language. */
function scenarioTitleAr(s: Scenario): string | undefined {
  if (CARD_SCENARIOS[s.id]) return CARD_SCENARIOS[s.id];
  if (!/-(success|declined)(-ar|-en)?$/.test(s.id)) return undefined;
  const outcome = s.outcome === 'success' ? 'ناجحة' : 'مرفوضة';
  const language = s.id.endsWith('-ar') ? ' (بالعربية)' : s.id.endsWith('-en') ? ' (بالإنجليزية)' : '';
  return `معاملة ${s.method} ${outcome}${language}`;
}

const SLOT_NAMES: Record<string, string> = {
  'general.pre_checkout': 'صفحة ما قبل الدفع',
  'general.checkout': 'صفحة إتمام الطلب',
  'general.three_ds': 'صفحة 3D Secure',
  'general.result': 'صفحات النجاح والفشل',
  'general.tokenization_code': 'شيفرة الترميز (tokenization)',
  'general.save_card': 'خطوات حفظ البطاقة',
  'general.delete_card': 'حذف بطاقة محفوظة',
  'general.recurring_consent': 'إعداد الدفع المتكرر',
  'apple_pay.networks_code': 'شبكات الدفع المدعومة',
  'apple_pay.capabilities_code': 'إعدادات قدرات التاجر',
  'knet.payment_page': 'صفحة الدفع في KNET',
  'knet.confirmation': 'تأكيد KNET',
  'naps.payment_page': 'صفحة الدفع في NAPS',
  'naps.confirmation': 'تأكيد NAPS',
  'benefit.payment_page': 'صفحة الدفع في BENEFIT',
  'omannet.payment_page': 'صفحة الدفع في OmanNet',
  'omannet.otp': 'صفحة رمز التحقق (OTP) في OmanNet',
  'stcpay.payment_flow': 'خطوات الدفع في STCPAY',
};

/** The pages every local method's table shares, named once. */
const SHARED_SLOT_NAMES: Record<string, string> = {
  pre_checkout: 'صفحة ما قبل الدفع',
  checkout: 'صفحة إتمام الطلب',
  confirmation: 'تأكيد الطلب',
  receipt: 'صفحة الإيصال',
  return: 'العودة بعد الدفع',
};

const CHECKPOINT_TITLES: Record<string, string> = {
  'customer-email': 'بريد العميل الحقيقي',
  'customer-ip': 'عنوان IP الحقيقي للعميل',
  'return-url-post': 'return_url يقبل نموذج POST عبر https',
  'request-signature': 'توقيع الطلب صحيح، مع استبعاد المعاملات الفارغة',
  'response-signature': 'التحقق من توقيع الاستجابة، دون قص القيم',
  'signature-backend': 'حساب التواقيع في الخادم فقط',
  'feedback-urls': 'عناوين الإشعار المباشر وإشعارات التنبيه',
  'amount-validation': 'مطابقة المبلغ مع الطلب',
  command: 'PURCHASE أو AUTHORIZATION، بما تسمح به وسيلة الدفع',
  'inbound-ip': 'عنوان IP مختلف للخادم في بيئة الاختبار وبيئة الإنتاج',
  'tokenization-client-side': 'إرسال طلب الترميز من جهة المتصفح',
  'three-ds-top-window': '3DS في النافذة الرئيسية، مع التعامل الديناميكي مع 3DS',
  'device-fingerprint': 'device_fingerprint عند تفعيل فحص الاحتيال ReD',
  'stcpay-dynamic': 'رقم الهاتف ورمز OTP في STC Pay من العميل',
  'knet-receipt': 'إيصال KNET يعرض معرّفات KNET والمبلغ والتاريخ',
  'naps-languages': 'مسار NAPS بالعربية والإنجليزية، وفق إرشادات QPay',
  'branding-mada': 'العلامة التجارية لمدى',
  'branding-amex': 'العلامة التجارية لأمريكان إكسبريس',
  'branding-benefit': 'العلامة التجارية لزر الدفع BENEFIT',
  'sdk-token-server': 'إنشاء SDK_TOKEN في الخادم',
  'latest-sdk': 'أحدث إصدار من SDK للتطبيقات',
  'applepay-networks': 'شبكات Apple Pay تشمل مدى وأمريكان إكسبريس',
  'applepay-country': 'رمز الدولة SA في Apple Pay لبطاقات مدى',
  'applepay-capability-web': 'قدرات التاجر في Apple Pay تتضمن supports3DS',
  'applepay-capability-sdk': 'قدرات Apple Pay SDK تتضمن capability3DS',
  'recurring-mode': 'recurring_mode وحقول الخطة في الطلب الأول',
  'recurring-agreement': 'agreement_id فريد من أحرف وأرقام، 15 خانة على الأكثر، وإعادة استخدام القيمة المرجعة',
  'recurring-token': 'token_name نفسه في الدفعة الأولى والدفعات اللاحقة',
  'other-browsers': 'الاختبار على متصفحات وأنظمة أخرى',
};

const INTEGRATION_NAMES: Record<IntegrationType, string> = {
  hosted: 'صفحة الدفع المستضافة (Hosted Checkout)',
  custom_non_pci: 'تكامل مخصص (دون شهادة PCI)',
  custom_pci: 'تكامل مخصص (بشهادة PCI)',
  mobile: 'حزمة تطوير تطبيقات الجوال (Mobile SDK)',
  apple_pay_web: 'Apple Pay (صفحة التاجر)',
  apple_pay_sdk: 'Apple Pay (حزمة تطوير الجوال)',
  recurring: 'الدفعات المتكررة',
};

/** Each checkpoint's definition and, where it has one, its guide (how to check it by hand), in Arabic. */
const CHECKPOINT_TEXT: Record<string, { definition: string; guide?: string }> = {};

/** A checkpoint's definition and guide in Arabic; undefined where the table has no entry yet. */
export function checkpointTextAr(id: string): { definition: string; guide?: string } | undefined {
  return Object.hasOwn(CHECKPOINT_TEXT, id) ? CHECKPOINT_TEXT[id] : undefined;
}

export type CatalogKind = 'scenario' | 'slot' | 'checkpoint' | 'integration';

export function catalogNameAr(kind: CatalogKind, id: string): string | undefined {
  if (kind === 'checkpoint') return CHECKPOINT_TITLES[id];
  if (kind === 'integration')
    return Object.hasOwn(INTEGRATION_NAMES, id) ? INTEGRATION_NAMES[id as IntegrationType] : undefined;
  if (kind === 'slot') return SLOT_NAMES[id] ?? SHARED_SLOT_NAMES[id.slice(id.indexOf('.') + 1)];
  const s = CATALOG.scenarios.find(id);
  return s && scenarioTitleAr(s);
}

/** The name to show: Arabic where the catalog has one, else the English name the caller already holds. */
export function catalogName(kind: CatalogKind, id: string, english: string, lang: Language): string {
  return (lang === 'ar' && catalogNameAr(kind, id)) || english;
}

/** Every catalog id, for the completeness test: a new scenario, slot or checkpoint must get its Arabic name. */
export function catalogIds(): { kind: CatalogKind; id: string }[] {
  return [
    ...CATALOG.scenarios.ids().map((id) => ({ kind: 'scenario' as const, id })),
    ...CATALOG.slots.ids().map((id) => ({ kind: 'slot' as const, id })),
    ...CATALOG.checkpoints.ids().map((id) => ({ kind: 'checkpoint' as const, id })),
    ...INTEGRATION_TYPES.map((id) => ({ kind: 'integration' as const, id })),
  ];
}
