import type { TrafficRecord } from '../../../shared/schema/traffic';
import { operationOf } from '../relay/index';
import { LRM, both, type Bilingual } from '../../../shared/text';
import type { Check, EvidenceRef } from './context';
import { listing, notSeenByRelay, relayRef } from './relay-evidence';

// SDK_TOKEN carries the access code and a signature made with the request phrase, so APS wants it sent by the
// merchant's server, never by the app. The relay sits in front of the server's calls: an SDK_TOKEN it sees came
// through the server's APS URL; the caller's address and headers then tell whether a server or a phone sent it.

const TEXT = {
  phoneClient: (agent: string) =>
    both(`a phone app's HTTP client (user agent "${agent}")`, `عميل HTTP لتطبيق جوال (user agent "${agent}"${LRM})`),
  androidApp: (app: string) =>
    both(`an Android app (X-Requested-With: ${app})`, `تطبيق Android (X-Requested-With: ${app})`),
  serverAddress: (address: string) =>
    both(
      `${address}, the address that also sent the other server-to-server calls`,
      `${address}، وهو العنوان الذي أرسل أيضًا بقية الطلبات بين الخوادم`,
    ),
  serverClient: (agent: string) =>
    both(`a server HTTP client (user agent "${agent}")`, `عميل HTTP من عملاء الخوادم (user agent "${agent}"${LRM})`),
  unplaced: (address: string, agent: string) =>
    agent
      ? both(`${address}, user agent "${agent}"`, `${address}، user agent "${agent}"${LRM}`)
      : both(`${address}, no user agent`, `${address}، دون user agent`),
  noToken: (calls: number) =>
    both(
      `The relay recorded ${calls} API call(s) but no SDK_TOKEN request: open a payment in the app while the server's APS URL points at the relay`,
      `سجّل المُرحِّل طلبات API (عددها ${calls}) دون أي طلب SDK_TOKEN: افتح عملية دفع في التطبيق بينما يشير عنوان APS في خادمك إلى المُرحِّل`,
    ),
  fromDevice: (devices: number, tokens: number, whys: Bilingual) =>
    both(
      `${devices} of ${tokens} SDK_TOKEN request(s) came from ${whys.en}`,
      `جاء ${devices} من أصل ${tokens} من طلبات SDK_TOKEN من ${whys.ar}`,
    ),
  fromServerOnly: both(
    'Request SDK_TOKEN from your server: the app asks your back end for a token, the back end signs the request and calls APS; the app never holds the access code or the SHA phrases.',
    'اطلب SDK_TOKEN من خادمك: يطلب التطبيق الرمز من الخادم الخلفي، فيوقّع الخادم الطلب ويستدعي APS؛ ولا يحمل التطبيق رمز الوصول (access code) ولا عبارات SHA أبدًا.',
  ),
  unknownCaller: (tokens: number, unknown: number, whys: Bilingual) =>
    both(
      `${tokens} SDK_TOKEN request(s) passed the relay, ${unknown} from a caller Certkit cannot place: ${whys.en}`,
      `مرّت عبر المُرحِّل طلبات SDK_TOKEN (عددها ${tokens})، منها ${unknown} من مُرسِل لا يستطيع Certkit معرفة نوعه: ${whys.ar}`,
    ),
  checkCaller: (id: string) =>
    both(
      `Check that caller is your server, then confirm: certkit verify <workspace> --confirm ${id} --note "what you checked".`,
      `تأكّد أن هذا المُرسِل هو خادمك، ثم أكّد بملاحظة تقول ما فحصته: certkit verify <workspace> --confirm ${id} --note "…"${LRM}.`,
    ),
  fromServer: (tokens: number, whys: Bilingual) =>
    both(
      `${tokens} SDK_TOKEN request(s) came from the merchant server: ${whys.en}`,
      `جاءت طلبات SDK_TOKEN (عددها ${tokens}) من خادم التاجر: ${whys.ar}`,
    ),
};

/** HTTP stacks of phone apps: iOS (CFNetwork/Darwin, Alamofire), Android (Dalvik), cross-platform app frameworks. */
const DEVICE_AGENT =
  /\b(CFNetwork|Darwin\/|Dalvik|Android|iPhone|iPad|iOS|Alamofire|Flutter|Dart\/|ReactNative|Expo)\b/i;
/** HTTP stacks a merchant server uses. OkHttp is both (Android apps and Java servers), so it is on neither list. */
const SERVER_AGENT =
  /^(node|undici|axios|got|GuzzleHttp|curl|libcurl|PHP|python-requests|python-urllib|aiohttp|Java\/|Apache-HttpClient|Go-http-client|RestSharp|Ruby|Faraday|Jersey|Spring|WordPress)\b/i;

type Verdict = { kind: 'device' | 'server' | 'unknown'; why: Bilingual };

function judge(r: TrafficRecord, serverAddresses: Set<string>): Verdict {
  const agent = r.caller.userAgent ?? '';
  if (DEVICE_AGENT.test(agent)) return { kind: 'device', why: TEXT.phoneClient(agent) };
  const app = r.caller.headers['x-requested-with'];
  if (app && app.toLowerCase() !== 'xmlhttprequest') return { kind: 'device', why: TEXT.androidApp(app) };
  const address = r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address;
  if (serverAddresses.has(address)) return { kind: 'server', why: TEXT.serverAddress(address) };
  if (SERVER_AGENT.test(agent)) return { kind: 'server', why: TEXT.serverClient(agent) };
  return { kind: 'unknown', why: TEXT.unplaced(address, agent) };
}

/** The distinct reasons, listed once each. */
function reasons(verdicts: Verdict[]): Bilingual {
  const seen = new Map(verdicts.map((v) => [v.why.en, v.why]));
  return listing([...seen.values()]);
}

export const checkSdkTokenServer: Check = (ctx, checkpoint) => {
  const api = ctx.traffic.records.filter((r) => r.kind === 'paymentApi');
  const tokens = api.filter((r) => operationOf(r) === 'SDK_TOKEN');
  if (!tokens.length) return notSeenByRelay(ctx, checkpoint, TEXT.noToken(api.length));
  const serverAddresses = new Set(
    api
      .filter((r) => operationOf(r) !== 'SDK_TOKEN')
      .map((r) => r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address),
  );
  const verdicts = tokens.map((r) => ({ r, v: judge(r, serverAddresses) }));
  const evidence: EvidenceRef[] = verdicts.map(({ r, v }) =>
    relayRef(ctx, r, `SDK_TOKEN from ${v.why.en}, answered ${r.responseStatus ?? r.error ?? '-'}`),
  );
  const devices = verdicts.filter((x) => x.v.kind === 'device').map((x) => x.v);
  if (devices.length)
    return {
      status: 'failed',
      summary: TEXT.fromDevice(devices.length, tokens.length, reasons(devices)),
      fix: TEXT.fromServerOnly,
      evidence,
    };
  const unknown = verdicts.filter((x) => x.v.kind === 'unknown').map((x) => x.v);
  if (unknown.length)
    return {
      status: 'needs-confirmation',
      summary: TEXT.unknownCaller(tokens.length, unknown.length, reasons(unknown)),
      fix: TEXT.checkCaller(checkpoint.id),
      evidence,
    };
  return {
    status: 'passed',
    summary: TEXT.fromServer(tokens.length, reasons(verdicts.map((x) => x.v))),
    evidence,
  };
};
