import type { z } from 'zod';
import { both, type Bilingual } from '../text';

/**
 * The Arabic of the schema's own messages, keyed by the English written in the schemas (workspace.ts and the API
 * contract). The English stays where zod reads it; this table only adds the Arabic beside it, so a message changed
 * there without a row here falls back to the built-in template for its issue code.
 */
const CUSTOM_ARABIC: Readonly<Record<string, string>> = {
  'the APS account name is needed for the sign-off email subject': 'اسم حساب APS مطلوب لعنوان رسالة الاعتماد',
  'letters and digits, at most 20': 'حروف وأرقام، 20 على الأكثر',
  'pick at least one integration type': 'اختر نوع تكامل واحدًا على الأقل',
  'pick at least one payment method': 'اختر وسيلة دفع واحدة على الأقل',
  'must be an http(s) URL': 'يجب أن يكون عنوان URL يبدأ بـ http أو https',
  'must be an email address': 'يجب أن يكون عنوان بريد إلكتروني',
  'must be a phone number (digits, + - ( ) space)': 'يجب أن يكون رقم هاتف (أرقام و+ و- و( ) ومسافة)',
  'must be a run id (a folder name under runs/)': 'يجب أن يكون معرّف تشغيل (اسم مجلد تحت runs/)',
  'must be an IPv4 or IPv6 address': 'يجب أن يكون عنوان IPv4 أو IPv6',
};

/** The Arabic of a message the schemas write themselves, when the table has it. */
export function arabicOfSchemaMessage(english: string): string | undefined {
  return Object.hasOwn(CUSTOM_ARABIC, english) ? CUSTOM_ARABIC[english] : undefined;
}

const TYPE_ARABIC: Readonly<Record<string, string>> = {
  string: 'نصًّا',
  number: 'رقمًا',
  int: 'عددًا صحيحًا',
  boolean: 'قيمة منطقية (true أو false)',
  object: 'كائنًا',
  array: 'قائمة',
  undefined: 'غائبًا',
};

function typeArabic(expected: string): string {
  return TYPE_ARABIC[expected] ?? `من النوع ${expected}`;
}

function quoted(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('، ');
}

/** Bounds as Arabic: a string counts characters, an array items, a number its value. */
function boundArabic(origin: string, bound: string, inclusive: boolean | undefined, least: boolean): string {
  const edge = least ? (inclusive === false ? 'أكثر من' : 'على الأقل') : inclusive === false ? 'أقل من' : 'على الأكثر';
  if (origin === 'string') return least ? `يجب ألّا يقل طوله عن ${bound} حرف` : `يجب ألّا يزيد طوله على ${bound} حرف`;
  if (origin === 'array' || origin === 'set') return `يجب أن يضم ${edge} ${bound} عنصر`;
  return `يجب أن يكون ${edge} ${bound}`;
}

/** The Arabic of one zod issue: the schema's own message when the table has it, else a template for its code. */
function issueArabic(issue: z.core.$ZodIssue): string {
  const own = arabicOfSchemaMessage(issue.message);
  if (own) return own;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'undefined' ? 'حقل غير متوقَّع' : `يجب أن يكون ${typeArabic(issue.expected)}`;
    case 'too_small':
      return boundArabic(issue.origin, String(issue.minimum), issue.inclusive, true);
    case 'too_big':
      return boundArabic(issue.origin, String(issue.maximum), issue.inclusive, false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `يجب أن تكون القيمة ${quoted(issue.values)}`
        : `يجب أن تكون إحدى القيم: ${quoted(issue.values)}`;
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'مفتاح غير معروف' : 'مفاتيح غير معروفة'}: ${quoted(issue.keys)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'لا يطابق الصيغة المطلوبة' : `صيغة غير صالحة (${issue.format})`;
    case 'not_multiple_of':
      return `يجب أن يكون من مضاعفات ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'لا يطابق أيًّا من الصيغ المقبولة';
    case 'invalid_key':
      return 'مفتاح غير صالح';
    case 'invalid_element':
      return 'عنصر غير صالح';
    default:
      return 'قيمة غير صالحة';
  }
}

/** One issue as a line in both languages: the field path as the caller writes it, then the message. The English is
 *  zod's message unchanged. */
export function issueLine(issue: z.core.$ZodIssue, field: string, separator = ': '): Bilingual {
  return both(`${field}${separator}${issue.message}`, `${field}${separator}${issueArabic(issue)}`);
}
