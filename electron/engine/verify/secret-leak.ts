import type { LEAK_SECRETS, LeakScan } from '../../../shared/schema/evidence';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
import { anyPayment, noEvidence, type Check, type EvidenceRef } from './context';

type Secret = (typeof LEAK_SECRETS)[number];

const SECRET_AR: Record<Secret, string> = {
  'request phrase': 'عبارة SHA للطلبات',
  'response phrase': 'عبارة SHA للردود',
  'access code': 'رمز الوصول (access code)',
};

const TEXT = {
  none: both(
    'no run with the secrets set searched the pages for the SHA phrases',
    'لم يبحث أي تشغيل ضُبطت فيه الأسرار عن عبارات SHA في الصفحات',
  ),
  hit: (secret: Secret, kind: 'script' | 'page', url: string) =>
    both(
      `the ${secret} is in the ${kind} ${url}`,
      kind === 'script'
        ? `السكربت ${url} يحتوي على ${SECRET_AR[secret]}`
        : `الصفحة ${url} تحتوي على ${SECRET_AR[secret]}`,
    ),
  counted: (scripts: number, pages: number, scenarios: number) =>
    both(
      `${scripts} script${scripts === 1 ? '' : 's'} and ${pages} page${pages === 1 ? '' : 's'} scanned in ${scenarios} scenario(s)`,
      `فُحص ${scripts} من السكربتات و ${pages} من الصفحات في ${scenarios} من السيناريوهات`,
    ),
  hits: (counted: Bilingual, hits: Bilingual[]) => {
    const list = joinBoth(hits);
    return both(`${counted.en}: ${list.en}`, `${counted.ar}: ${list.ar}`);
  },
  leakFix: both(
    'Compute signatures on your server only: remove the SHA phrases (and the access code) from every script and page the browser receives, then change them in the APS back office (Integration settings > Security settings), since they have been public.',
    'احسب التوقيعات على خادمك فقط: أزل عبارات SHA (ورمز الوصول) من كل سكربت وصفحة تصل إلى المتصفح، ثم غيّرها في لوحة تحكم APS (Integration settings > Security settings)، لأنها صارت مكشوفة.',
  ),
  clean: (counted: Bilingual, unreadable: number) =>
    both(
      `${counted.en}, 0 hits${unreadable ? ` (${unreadable} more could not be read before the browser replaced them)` : ''}`,
      `${counted.ar}، ولم يُعثر على أي سر${unreadable ? ` (وتعذرت قراءة ${unreadable} أخرى قبل أن يستبدلها المتصفح)` : ''}`,
    ),
  missing: (summary: Bilingual, missing: Secret[]) =>
    both(
      `${summary.en}; the run did not have the ${missing.join(' and ')} to look for`,
      `${summary.ar}؛ لم يكن لدى التشغيل ${missing.map((s) => SECRET_AR[s]).join(' ولا ')} ليبحث عنها`,
    ),
  missingFix: both(
    'Run again with every secret set (CERTKIT_SHA_REQUEST_PHRASE, CERTKIT_SHA_RESPONSE_PHRASE), or search your front end for the phrases yourself and confirm.',
    'شغّل مرة أخرى بعد ضبط كل الأسرار (CERTKIT_SHA_REQUEST_PHRASE و CERTKIT_SHA_RESPONSE_PHRASE)، أو ابحث بنفسك عن العبارات في واجهتك الأمامية ثم أكّد.',
  ),
  app: (summary: Bilingual) =>
    both(
      `${summary.en} in the browser; a mobile app bundle is not loaded by a browser run`,
      `${summary.ar} في المتصفح؛ ولا يحمّل التشغيلُ في المتصفح حزمةَ تطبيق الجوال`,
    ),
  appFix: both(
    'Search your mobile app bundle for the SHA phrases and access code, then confirm: certkit verify <workspace> --confirm signature-backend --note "what you checked".',
    'ابحث في حزمة تطبيق الجوال عن عبارات SHA ورمز الوصول، ثم أكّد: certkit verify <workspace> --confirm signature-backend --note "ما فحصته".',
  ),
};

// Integration types whose signing code Certkit cannot load in a browser: the app bundle is the engineer's to search.
const APP_TYPES = new Set(['mobile', 'apple_pay_sdk']);

/**
 * signature-backend from the secret-leak scan of each run: every script and page the browser loaded was searched
 * for the SHA phrases (and scripts for the access code). A hit fails, naming the URL and which secret; the value is
 * never in the result.
 */
export const checkSignatureBackend: Check = (ctx) => {
  const scanned = ctx.scenarios.filter((ev): ev is typeof ev & { leakScan: LeakScan } => !!ev.leakScan);
  if (!scanned.length) return noEvidence(ctx, anyPayment(ctx), TEXT.none);
  const hits: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  let scripts = 0;
  let pages = 0;
  let unreadable = 0;
  const searched = new Set<string>();
  for (const ev of scanned) {
    const scan = ev.leakScan;
    scripts += scan.scripts;
    pages += scan.pages;
    unreadable += scan.unreadable;
    scan.searched.forEach((s) => searched.add(s));
    for (const hit of scan.hits) {
      const line = TEXT.hit(hit.secret, hit.kind, hit.url);
      if (!hits.some((h) => h.en === line.en)) hits.push(line);
      evidence.push({
        scenarioId: ev.scenarioId,
        kind: 'field',
        ref: 'leakScan',
        detail: `${hit.kind} ${hit.url} holds the ${hit.secret}`,
      });
    }
  }
  const counted = TEXT.counted(scripts, pages, scanned.length);
  if (hits.length) return { status: 'failed', summary: TEXT.hits(counted, hits), fix: TEXT.leakFix, evidence };
  const missing = (['request phrase', 'response phrase'] as const).filter((s) => !searched.has(s));
  const summary = TEXT.clean(counted, unreadable);
  if (missing.length)
    return { status: 'needs-confirmation', summary: TEXT.missing(summary, missing), fix: TEXT.missingFix };
  const apps = ctx.workspace.integrationTypes.filter((t) => APP_TYPES.has(t));
  if (apps.length) return { status: 'needs-confirmation', summary: TEXT.app(summary), fix: TEXT.appFix };
  return { status: 'passed', summary };
};
