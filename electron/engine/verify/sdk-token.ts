import type { TrafficRecord } from '../../../shared/schema/traffic';
import { operationOf } from '../relay/index';
import type { Check, EvidenceRef } from './context';
import { listing, notSeenByRelay, relayRef } from './relay-evidence';

// SDK_TOKEN carries the access code and a signature made with the request phrase, so APS wants it sent by the
// merchant's server, never by the app. The relay sits in front of the server's calls: an SDK_TOKEN it sees came
// through the server's APS URL; the caller's address and headers then tell whether a server or a phone sent it.

/** HTTP stacks of phone apps: iOS (CFNetwork/Darwin, Alamofire), Android (Dalvik), cross-platform app frameworks. */
const DEVICE_AGENT =
  /\b(CFNetwork|Darwin\/|Dalvik|Android|iPhone|iPad|iOS|Alamofire|Flutter|Dart\/|ReactNative|Expo)\b/i;
/** HTTP stacks a merchant server uses. OkHttp is both (Android apps and Java servers), so it is on neither list. */
const SERVER_AGENT =
  /^(node|undici|axios|got|GuzzleHttp|curl|libcurl|PHP|python-requests|python-urllib|aiohttp|Java\/|Apache-HttpClient|Go-http-client|RestSharp|Ruby|Faraday|Jersey|Spring|WordPress)\b/i;

type Verdict = { kind: 'device' | 'server' | 'unknown'; why: string };

function judge(r: TrafficRecord, serverAddresses: Set<string>): Verdict {
  const agent = r.caller.userAgent ?? '';
  if (DEVICE_AGENT.test(agent)) return { kind: 'device', why: `a phone app's HTTP client (user agent "${agent}")` };
  const app = r.caller.headers['x-requested-with'];
  if (app && app.toLowerCase() !== 'xmlhttprequest')
    return { kind: 'device', why: `an Android app (X-Requested-With: ${app})` };
  const address = r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address;
  if (serverAddresses.has(address))
    return { kind: 'server', why: `${address}, the address that also sent the other server-to-server calls` };
  if (SERVER_AGENT.test(agent)) return { kind: 'server', why: `a server HTTP client (user agent "${agent}")` };
  return { kind: 'unknown', why: `${address}${agent ? `, user agent "${agent}"` : ', no user agent'}` };
}

export const checkSdkTokenServer: Check = (ctx, checkpoint) => {
  const api = ctx.traffic.records.filter((r) => r.kind === 'paymentApi');
  const tokens = api.filter((r) => operationOf(r) === 'SDK_TOKEN');
  if (!tokens.length)
    return notSeenByRelay(
      ctx,
      checkpoint,
      `The relay recorded ${api.length} API call(s) but no SDK_TOKEN request: open a payment in the app while the server's APS URL points at the relay`,
    );
  const serverAddresses = new Set(
    api
      .filter((r) => operationOf(r) !== 'SDK_TOKEN')
      .map((r) => r.caller.forwardedFor?.split(',')[0]?.trim() || r.caller.address),
  );
  const verdicts = tokens.map((r) => ({ r, v: judge(r, serverAddresses) }));
  const evidence: EvidenceRef[] = verdicts.map(({ r, v }) =>
    relayRef(ctx, r, `SDK_TOKEN from ${v.why}, answered ${r.responseStatus ?? r.error ?? '-'}`),
  );
  const devices = verdicts.filter((x) => x.v.kind === 'device');
  if (devices.length)
    return {
      status: 'failed',
      summary: `${devices.length} of ${tokens.length} SDK_TOKEN request(s) came from ${listing([...new Set(devices.map((d) => d.v.why))])}`,
      fix: 'Request SDK_TOKEN from your server: the app asks your back end for a token, the back end signs the request and calls APS; the app never holds the access code or the SHA phrases.',
      evidence,
    };
  const unknown = verdicts.filter((x) => x.v.kind === 'unknown');
  if (unknown.length)
    return {
      status: 'needs-confirmation',
      summary: `${tokens.length} SDK_TOKEN request(s) passed the relay, ${unknown.length} from a caller Certkit cannot place: ${listing([...new Set(unknown.map((u) => u.v.why))])}`,
      fix: `Check that caller is your server, then confirm: certkit verify <workspace> --confirm ${checkpoint.id} --note "what you checked".`,
      evidence,
    };
  return {
    status: 'passed',
    summary: `${tokens.length} SDK_TOKEN request(s) came from the merchant server: ${listing([...new Set(verdicts.map((x) => x.v.why))])}`,
    evidence,
  };
};
