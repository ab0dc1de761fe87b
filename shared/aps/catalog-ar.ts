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
const CHECKPOINT_TEXT: Record<string, { definition: string; guide?: string }> = {
  'customer-email': {
    definition:
      'يحمل customer_email البريد الإلكتروني الذي كتبه العميل، ولا يكون قيمة ثابتة أبدًا؛ فالقيم الثابتة يحظرها فحص الاحتيال في بيئة الإنتاج.',
  },
  'customer-ip': {
    definition: 'يحمل customer_ip العنوان العام للعميل الذي يتصفّح المتجر، لا عنوان الخادم ولا قيمة ثابتة.',
  },
  'return-url-post': {
    definition:
      'لا تُعيد بيئة الإنتاج النتائج إلا في نموذج POST؛ لذا يجب أن يجيب return_url على طلب POST هذا بصفحة، وأن يعمل عبر https.',
  },
  'request-signature': {
    definition:
      'يُوقَّع كل طلب على معاملاته غير الفارغة مرتّبةً حسب الاسم، وعبارة SHA للطلبات في أولها وآخرها، ولا يحمل أي معامل قد ترفضه APS.',
  },
  'response-signature': {
    definition: 'يعيد التاجر حساب توقيع الرد بعبارة SHA للردود على القيم كما وصلت تمامًا، ويرفض أي رد لا يطابق توقيعه.',
  },
  'signature-backend': {
    definition: 'تبقى عبارات SHA على الخادم؛ فلا تحتويها أي صفحة أو سكربت أو حزمة تطبيق أو سجل.',
    guide: 'ابحث في حزمة تطبيق الجوال عن عبارات SHA ورمز الوصول (access code)؛ يجب ألا يكون شيء منها فيها.',
  },
  'feedback-urls': {
    definition:
      'عنوانا Direct Transaction Feedback و Notification Feedback مضبوطان في Technical Settings، ويقبلان POST، ويجيبان بـ 2xx، وهما عنوانان حقيقيان (لا apple.com ولا google.com ولا example.com).',
    guide:
      'أدخل عنوان مُرحِّل الإشعارات في كلا العنوانين في Technical settings وشغّل السيناريوهات (docs/relay.md)، أو افتح Integration settings > Technical settings لكل قناة مفعّلة وتأكّد أن العنوانين يشيران إلى نقاط الاستقبال الخاصة بك، ثم أرسل إليهما بـ POST نموذجًا موقّعًا وتوقّع الرد 2xx.',
  },
  'amount-validation': {
    definition:
      'المبلغ والعملة اللذان تُعيدهما APS يساويان ما طلبه التاجر وما يظهر في الإيصال (بالوحدات الصغرى لكل عملة).',
  },
  command: {
    definition:
      'قيمة command هي PURCHASE أو AUTHORIZATION، وهي PURCHASE لوسائل الدفع التي لا تسمح بغيرها (مدى، KNET، NAPS، BENEFIT، OmanNet، STC Pay).',
  },
  'inbound-ip': {
    definition: 'تصدر طلبات API في بيئة الإنتاج من عنوان IP لخادم غير الذي تصدر منه طلبات بيئة الاختبار.',
    guide:
      'أعلِن عناوين خوادم الإنتاج في certkit.json (aps.productionInboundIps) وشغّل مُرحِّل API على خادم الاختبار (staging)، أو قارن بنفسك عنوان IP الصادر لخادمَي الاختبار والإنتاج؛ يجب أن يختلفا.',
  },
  'tokenization-client-side': {
    definition: 'يُرسل المتصفح أو التطبيق نموذج TOKENIZATION مباشرةً إلى APS؛ ولا تمرّ بيانات البطاقة بخادم التاجر أبدًا.',
  },
  'three-ds-top-window': {
    definition:
      'يُفتح تحدّي 3DS في النافذة الرئيسية (لا نافذة منبثقة ولا iframe)؛ وفي التكامل المخصص يُتَّبع 3ds_url عند وجوده، وتُعرض نتيجة JSON النهائية عند غيابه.',
  },
  'device-fingerprint': {
    definition:
      'إذا كانت أداة مكافحة الاحتيال المتقدمة (ReD) مفعّلة، تحمل طلبات الشراء والتفويض device_fingerprint الذي يولّده سكربت APS.',
    guide: 'اسأل مدير حسابك هل ReD مفعّلة؛ فإن كانت كذلك، فتأكّد أن طلبات الشراء تحمل device_fingerprint.',
  },
  'stcpay-dynamic': {
    definition: 'قيمتا phone_number و otp هما ما كتبه العميل، ولا تكونان ثابتتين في الطلب أبدًا.',
  },
  'knet-receipt': {
    definition: 'تعرض صفحة الإيصال knet_ref_number و third_party_transaction_number والمبلغ وتاريخ المعاملة.',
  },
  'naps-languages': {
    definition: 'يُلتقط مسار NAPS كاملًا بالعربية وبالإنجليزية، وفق إرشادات اعتماد QPAY.',
  },
  'branding-mada': {
    definition:
      'تعرض صفحة إتمام الطلب العلامة التجارية لمدى كما يصفها دليل العلامة التجارية لمدى (MADA Branding Document).',
    guide: 'قارن لقطات الشاشة لصفحتَي إتمام الطلب وما قبل الدفع بدليل العلامة التجارية لمدى (MADA Branding Document).',
  },
  'branding-amex': {
    definition: 'تتبع العلامة التجارية لأمريكان إكسبريس إرشادات AMEX للعلامة التجارية.',
    guide: 'قارن لقطات الشاشة لصفحة إتمام الطلب بإرشادات AMEX للعلامة التجارية.',
  },
  'branding-benefit': {
    definition: 'يتبع زر الدفع BENEFIT دليل العلامة التجارية لـ BENEFIT (BENEFIT Branding Document).',
    guide: 'قارن لقطة الشاشة لصفحة إتمام الطلب بدليل العلامة التجارية لـ BENEFIT (BENEFIT Branding Document).',
  },
  'sdk-token-server': {
    definition: 'يُرسَل طلب SDK_TOKEN، وهو يحمل التوقيع، من خادم التاجر، ولا يُرسَل من التطبيق أبدًا.',
    guide:
      'ضع مُرحِّل API أمام خادمك وافتح عملية دفع في التطبيق، أو تأكّد أن التطبيق يطلب رمز SDK من خادمك وأنه لا يحمل أي عبارة SHA ولا رمز الوصول (access code).',
  },
  'latest-sdk': {
    definition: 'يستخدم التطبيق أحدث إصدار من حزمة تطوير تطبيقات الجوال (mobile SDK) من Amazon Payment Services.',
    guide: 'قارن إصدار SDK في ملفات البناء لديك بأحدث إصدار من APS mobile SDK.',
  },
  'applepay-networks': {
    definition: 'تتضمن supportedNetworks كلًّا من mada و amex و visa و masterCard.',
  },
  'applepay-country': {
    definition: 'قيمة countryCode هي SA عند تقديم مدى، مع ApplePaySession بالإصدار 5 أو أحدث.',
  },
  'applepay-capability-web': {
    definition: 'تتضمن merchantCapabilities القيمة supports3DS في تكامل الموقع الإلكتروني.',
  },
  'applepay-capability-sdk': {
    definition: 'يضبط تكامل حزمة تطوير الجوال (mobile SDK) قدرة التاجر capability3DS.',
    guide: 'تأكّد أن merchantCapabilities في PKPaymentRequest داخل تطبيقك تتضمن capability3DS.',
  },
  'recurring-mode': {
    definition:
      'يحمل الطلب الأول (CIT) الحقل recurring_mode؛ ومع FIXED أو VARIABLE يحمل أيضًا recurring_transactions_count و recurring_expiry_date و recurring_days_between_payments.',
  },
  'recurring-agreement': {
    definition:
      'قيمة agreement_id في طلب CIT فريدة، من أحرف وأرقام فقط، ولا تتجاوز 15 خانة، وتستخدم الطلبات اللاحقة (MIT) قيمة agreement_id التي أعادتها APS.',
  },
  'recurring-token': {
    definition: 'قيمة token_name في الدفعة الأولى هي نفسها المستخدمة في كل طلب لاحق (MIT).',
  },
  'other-browsers': {
    definition:
      'تختبر APS على Google Chrome، وتطلب من التجار التأكد من أن كل شيء يعمل طبيعيًا على المتصفحات وأنظمة التشغيل الأخرى.',
    guide: 'شغّل مسارات الدفع الرئيسية على Safari و Firefox و Edge، وعلى هاتف.',
  },
};

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
