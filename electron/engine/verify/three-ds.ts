import { CATALOG } from '../../../shared/aps/catalog-index';
import { DEFAULT_APS_HOSTS } from '../../../shared/aps/endpoints';
import type { Exchange, ScenarioEvidence, Screenshot } from '../../../shared/schema/evidence';
import { testCard } from '../../../shared/aps/test-cards';
import { both, joinBoth, type Bilingual } from '../../../shared/text';
import {
  apsResponses,
  exchangeRef,
  noEvidence,
  screenshotRef,
  str,
  type Check,
  type EvidenceRef,
  type VerifyContext,
} from './context';

const TEXT = {
  popup: (id: string, url: string) =>
    both(`${id}: the 3DS page ${url} opened in a popup window`, `${id}: فُتحت صفحة 3DS ${url} في نافذة منبثقة`),
  /** The capture engine's own error message, quoted as it was raised. */
  captureError: (id: string, message: string) =>
    both(`${id}: ${message}`, `${id}: أوقف محرك الالتقاط السيناريو لأن الصفحة فتحت نافذة منبثقة: ${message}`),
  framed: (id: string, threeDs: boolean, url: string, popup: boolean) =>
    both(
      `${id}: ${threeDs ? 'the 3DS page' : "APS's payment page"} ${url} opened in ${popup ? 'a popup window' : 'an iframe'}`,
      `${id}: فُتحت ${threeDs ? 'صفحة 3DS' : 'صفحة الدفع من APS'} ${url} في ${popup ? 'نافذة منبثقة' : 'إطار iframe'}`,
    ),
  capturedOutside: (id: string) =>
    both(`${id}: the 3DS page was captured outside the top window`, `${id}: التُقطت صفحة 3DS خارج النافذة الرئيسية`),
  neverOpened: (id: string, url: string) =>
    both(
      `${id}: APS returned 3ds_url ${url} but the browser never opened it`,
      `${id}: أعاد APS القيمة 3ds_url ${url} لكن المتصفح لم يفتحها`,
    ),
  fix: both(
    'Open the 3DS challenge in the main window: for hosted checkout post the payment form with target _top (no iframe, no popup); for custom integration, when the purchase answer has 3ds_url (20064) set window.top.location to it, and when it has none show the final result from the JSON answer.',
    'افتح تحقق 3DS في النافذة الرئيسية: في الدفع المستضاف (hosted checkout) أرسل نموذج الدفع مع target _top (بلا iframe ولا نافذة منبثقة)؛ وفي التكامل المخصص (custom integration)، إذا احتوى رد الشراء على 3ds_url (20064) فاضبط window.top.location عليه، وإن لم يحتوِ عليه فاعرض النتيجة النهائية من رد JSON.',
  ),
  notCaptured: both('no 3DS page was captured in the top window', 'لم تُلتقط أي صفحة 3DS في النافذة الرئيسية'),
  notRun: both('no 3DS scenario was run', 'لم يُشغَّل أي سيناريو 3DS'),
  passed: (shown: number, custom: number) =>
    both(
      `The 3DS challenge opened in the top window in ${shown} scenario(s)${custom ? `; ${custom} custom payment(s) without 3ds_url showed the final result` : ''}`,
      `فُتح تحقق 3DS في النافذة الرئيسية في ${shown} من السيناريوهات${custom ? `؛ وعرضت ${custom} من عمليات الدفع المخصصة بلا 3ds_url النتيجة النهائية` : ''}`,
    ),
};

const THREE_DS_URL = /3ds|three-?d|threeds|acs|challenge/i;

function samePage(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname === y.pathname;
  } catch {
    // Not both URLs: the same page only if the text is the same.
    return a === b;
  }
}

/** Capture may mark a screenshot taken from a frame; the schema has no such field yet, so read it defensively. */
function screenshotInTop(s: Screenshot): boolean {
  const extra = s as Screenshot & { frame?: string; topFrame?: boolean; inTopFrame?: boolean; popup?: boolean };
  return extra.frame !== 'iframe' && extra.topFrame !== false && extra.inTopFrame !== false && extra.popup !== true;
}

function apsHosts(ctx: VerifyContext): Set<string> {
  const hosts = new Set<string>([...DEFAULT_APS_HOSTS, ...ctx.workspace.aps.hosts]);
  for (const u of [ctx.workspace.aps.paymentPage, ctx.workspace.aps.paymentApi]) {
    if (u) hosts.add(new URL(u).host);
  }
  return hosts;
}

/** Host with port first: on loopback the store and the simulator share a name and differ by port. */
function onAps(hosts: Set<string>, url: string): boolean {
  try {
    const u = new URL(url);
    return hosts.has(u.host) || (u.port === '' && hosts.has(u.hostname));
  } catch {
    // Not a URL (about:blank, a data: frame): not on APS.
    return false;
  }
}

function needsThreeDs(ev: ScenarioEvidence): boolean {
  const card = CATALOG.scenarios.find(ev.scenarioId)?.card;
  if (card && testCard(card).threeDs) return true;
  return apsResponses(ev).some((r) => str(r.fields.response_code) === '20064' || !!str(r.fields['3ds_url']));
}

export const checkThreeDs: Check = (ctx) => {
  const hosts = apsHosts(ctx);
  const failures: Bilingual[] = [];
  const evidence: EvidenceRef[] = [];
  let shownTop = 0;
  let finalShown = 0;
  let relevant = 0;
  for (const ev of ctx.scenarios) {
    const threeDsUrls = apsResponses(ev)
      .map((r) => str(r.fields['3ds_url']))
      .filter((u): u is string => !!u);
    const isChallenge = (x: Exchange) =>
      threeDsUrls.some((u) => samePage(u, x.url)) ||
      THREE_DS_URL.test(x.url) ||
      (onAps(hosts, x.url) &&
        x.kind !== 'return' &&
        str(x.requestFields.service_command) !== 'TOKENIZATION' &&
        x.observedBy === 'browser');
    const outside = ev.exchanges.filter((x) => (x.popup || x.frame === 'iframe') && isChallenge(x));
    // The capture engine stops a scenario whose page opens a popup and says so in the error, naming the URL.
    const popupError = ev.error && /popup/i.test(ev.error.message) ? ev.error.message : undefined;
    const popupUrl = popupError ? /\((https?:[^)\s]+)\)/.exec(popupError)?.[1] : undefined;
    if (popupError) {
      failures.push(popupUrl ? TEXT.popup(ev.scenarioId, popupUrl) : TEXT.captureError(ev.scenarioId, popupError));
      evidence.push({ scenarioId: ev.scenarioId, kind: 'field', ref: 'error', detail: popupError });
    }
    const inPopup = (url: string) => !!popupUrl && samePage(popupUrl, url);
    // Named for what it is: a framed hosted payment page (cards, KNET, BENEFIT) is not a 3DS challenge.
    const isThreeDsPage = (x: Exchange) => threeDsUrls.some((u) => samePage(u, x.url)) || THREE_DS_URL.test(x.url);
    outside.forEach((x, i) => {
      // Once per scenario in the summary (the framed page's own requests follow it); every one in the evidence.
      if (i === 0) failures.push(TEXT.framed(ev.scenarioId, isThreeDsPage(x), x.url, !!x.popup));
      evidence.push(exchangeRef(ev, x, x.popup ? 'popup' : 'iframe'));
    });
    for (const s of ev.screenshots.filter(
      (s) => !screenshotInTop(s) && (s.slot === 'general.three_ds' || THREE_DS_URL.test(s.url)),
    )) {
      failures.push(TEXT.capturedOutside(ev.scenarioId));
      evidence.push(screenshotRef(ev, s));
    }
    if (!needsThreeDs(ev)) {
      // Custom integration without a 3ds_url: the JSON answer is final and its result page must be shown.
      const final = apsResponses(ev).some(
        (r) => r.exchange.kind === 'paymentApi' && !str(r.fields['3ds_url']) && str(r.fields.response_code),
      );
      if (final && ev.screenshots.some((s) => s.slot === 'general.result' && !s.failure)) finalShown++;
      continue;
    }
    relevant++;
    const topVisit = (url: string) =>
      ev.screenshots.some((s) => screenshotInTop(s) && !inPopup(s.url) && samePage(url, s.url)) ||
      ev.exchanges.some((x) => !x.popup && x.frame !== 'iframe' && x.observedBy === 'browser' && samePage(url, x.url));
    for (const u of threeDsUrls) {
      if (!topVisit(u) && !outside.length && !popupError) failures.push(TEXT.neverOpened(ev.scenarioId, u));
    }
    const top = ev.screenshots.find(
      (s) =>
        screenshotInTop(s) &&
        !inPopup(s.url) &&
        (threeDsUrls.some((u) => samePage(u, s.url)) ||
          (s.slot === 'general.three_ds' && (onAps(hosts, s.url) || THREE_DS_URL.test(s.url)))),
    );
    if (top && !outside.length && !popupError) {
      shownTop++;
      evidence.push(screenshotRef(ev, top, `3DS page in the top window: ${top.url}`));
    }
  }
  if (failures.length) {
    return { status: 'failed', summary: joinBoth(failures), fix: TEXT.fix, evidence };
  }
  if (!shownTop) {
    const base = noEvidence(ctx, ['card-3ds-success', 'mada-success'], relevant ? TEXT.notCaptured : TEXT.notRun);
    return { ...base, evidence };
  }
  return { status: 'passed', summary: TEXT.passed(shownTop, finalShown), evidence };
};
