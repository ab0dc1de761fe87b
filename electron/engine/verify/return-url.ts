import { both, joinBoth, type Bilingual } from '../../../shared/text';
import {
  anyPayment,
  apsRequests,
  exchangeRef,
  fieldRef,
  noEvidence,
  returnPosts,
  str,
  type Check,
  type EvidenceRef,
} from './context';

/** What the return_url check says, English beside Arabic. */
const TEXT = {
  notPost: (id: string, method: string) =>
    both(
      `${id}: the result reached return_url as ${method}, not as a POST form`,
      `${id}: وصلت النتيجة إلى return_url بطلب ${method}، لا بنموذج POST`,
    ),
  noAnswer: (id: string) =>
    both(`${id}: return_url gave no answer to APS's POST`, `${id}: لم يُجب return_url على طلب POST من APS`),
  httpError: (id: string, status: number) =>
    both(
      `${id}: return_url answered APS's POST with HTTP ${status}`,
      `${id}: أجاب return_url على طلب POST من APS برمز HTTP ${status}`,
    ),
  refusalPage: (id: string, url: string, words: string) =>
    both(
      `${id}: APS's POST to return_url ${url} ended on a page saying "${words}"`,
      `${id}: انتهى طلب POST من APS إلى return_url ${url} بصفحة تقول "${words}"`,
    ),
  applePayOnly: both(
    'Apple Pay payments are answered server-to-server; no result was sent to a return_url',
    'يأتي ردّ APS على مدفوعات Apple Pay بين الخوادم مباشرة؛ فلم تُرسَل أي نتيجة إلى return_url',
  ),
  noUrl: both('no return_url was seen in the traffic', 'لم يظهر أي return_url في حركة الشبكة المسجّلة'),
  plainHttpSandbox: (url: string) =>
    both(
      `return_url ${url} is plain http; APS production requires https`,
      `return_url ${url} يستخدم http دون تشفير؛ وبيئة الإنتاج في APS تتطلب https`,
    ),
  notHttps: (url: string) => both(`return_url ${url} is not https`, `return_url ${url} لا يستخدم https`),
  fix: both(
    'Serve return_url over https and let it accept a cross-site form POST (no CSRF token, no session needed), answer it with a page or a 303 redirect to the result page; production only returns results by POST.',
    'قدّم return_url عبر https واجعله يقبل نموذج POST قادمًا من موقع آخر (دون رمز CSRF ودون حاجة إلى جلسة)، وأجب عليه بصفحة أو بإعادة توجيه 303 إلى صفحة النتيجة؛ فبيئة الإنتاج لا تُعيد النتائج إلا عبر POST.',
  ),
  notPostedYet: both('no result was posted back to return_url yet', 'لم تُرسَل أي نتيجة إلى return_url بعد'),
  answeredWith: (warnings: Bilingual, answered: number) =>
    both(
      `${warnings.en}; the POST form was answered in ${answered} scenario(s)`,
      `${warnings.ar}؛ وأُجيب على نموذج POST في ${answered} من السيناريوهات`,
    ),
  httpsFix: both('Use an https return_url before going live.', 'استخدم return_url بعنوان https قبل الإطلاق.'),
  queryNote: (url: string) =>
    both(
      `; note: ${url} has a query string, keep its parameters out of the response signature`,
      `؛ ملاحظة: في ${url} سلسلة استعلام (query string)، فأبقِ معاملاتها خارج توقيع الرد`,
    ),
  passed: (answered: number, note: Bilingual) =>
    both(
      `return_url is https and answered APS's POST form in ${answered} scenario(s)${note.en}`,
      `return_url يستخدم https وأجاب على نموذج POST من APS في ${answered} من السيناريوهات${note.ar}`,
    ),
};

const REFUSAL_PAGE =
  /method not allowed|\b405\b|\b419\b|page expired|csrf|forbidden|\b403\b|not found|\b404\b|internal server error|\b500\b/i;

/** Same host and path: the simulator may deliver an https return_url over plain http on loopback. */
function samePath(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.host === y.host && x.pathname === y.pathname;
  } catch {
    // Not both URLs: they cannot be the same address.
    return false;
  }
}

export const checkReturnUrl: Check = (ctx) => {
  const evidence: EvidenceRef[] = [];
  const failures: Bilingual[] = [];
  const warnings: Bilingual[] = [];
  const urls = new Set<string>();
  const returnTargets = new Set<string>();
  let answered = 0;
  for (const ev of ctx.scenarios) {
    for (const x of apsRequests(ev)) {
      const url = str(x.requestFields.return_url);
      if (url && !urls.has(url)) {
        urls.add(url);
        evidence.push(fieldRef(ev, x, 'return_url', url));
      }
    }
    for (const r of returnPosts(ev)) {
      // The recorded POST may be delivered over a local transport; the scheme that counts is the one the merchant sent.
      returnTargets.add(r.url);
      evidence.push(exchangeRef(ev, r, `${r.method} ${r.url} -> ${r.responseStatus ?? 'no answer'}`));
      if (r.method.toUpperCase() !== 'POST') {
        failures.push(TEXT.notPost(ev.scenarioId, r.method));
        continue;
      }
      const status = r.responseStatus;
      if (status === undefined) failures.push(TEXT.noAnswer(ev.scenarioId));
      else if (status >= 400) failures.push(TEXT.httpError(ev.scenarioId, status));
      else answered++;
    }
  }
  // A return_url the recorder was not told about still shows up as the page the browser landed on.
  for (const ev of ctx.scenarios) {
    const sent = apsRequests(ev)
      .map((x) => str(x.requestFields.return_url))
      .filter((u): u is string => !!u);
    for (const s of ev.screenshots) {
      if (!sent.some((u) => samePath(u, s.url)) || returnPosts(ev).some((r) => samePath(r.url, s.url))) continue;
      const refusal = REFUSAL_PAGE.exec(s.text ?? '') ?? REFUSAL_PAGE.exec(s.title);
      if (refusal) {
        failures.push(TEXT.refusalPage(ev.scenarioId, s.url, refusal[0]));
        evidence.push({ scenarioId: ev.scenarioId, kind: 'screenshot', ref: s.file, detail: s.url });
      }
    }
  }
  if (!urls.size) returnTargets.forEach((u) => urls.add(u));
  const requests = ctx.scenarios.flatMap((ev) => apsRequests(ev));
  if (
    !urls.size &&
    requests.length &&
    requests.every((x) => x.kind === 'paymentApi' && str(x.requestFields.digital_wallet) === 'APPLE_PAY')
  ) {
    return {
      status: 'not-applicable',
      summary: TEXT.applePayOnly,
    };
  }
  if (!urls.size) return noEvidence(ctx, anyPayment(ctx), TEXT.noUrl);
  const env = ctx.workspace.account.environment;
  for (const url of urls) {
    if (url.startsWith('https:')) continue;
    // A staging server on the APS sandbox may lack a certificate for now; anything else must be https already.
    if (env === 'sandbox') warnings.push(TEXT.plainHttpSandbox(url));
    else failures.push(TEXT.notHttps(url));
  }
  if (failures.length) {
    return {
      status: 'failed',
      summary: joinBoth(failures),
      fix: TEXT.fix,
      evidence,
    };
  }
  if (!answered) return { ...noEvidence(ctx, anyPayment(ctx), TEXT.notPostedYet), evidence };
  if (warnings.length) {
    return {
      status: 'warn',
      summary: TEXT.answeredWith(joinBoth(warnings), answered),
      fix: TEXT.httpsFix,
      evidence,
    };
  }
  // Pitfall: query parameters of return_url arrive with APS's fields and must stay out of the response signature.
  const withQuery = [...urls].find((u) => u.includes('?'));
  const queryNote = withQuery ? TEXT.queryNote(withQuery) : both('', '');
  return {
    status: 'passed',
    summary: TEXT.passed(answered, queryNote),
    evidence,
  };
};
