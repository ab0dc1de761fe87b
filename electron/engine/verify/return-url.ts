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
  const failures: string[] = [];
  const warnings: string[] = [];
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
        failures.push(`${ev.scenarioId}: the result reached return_url as ${r.method}, not as a POST form`);
        continue;
      }
      const status = r.responseStatus;
      if (status === undefined) failures.push(`${ev.scenarioId}: return_url gave no answer to APS's POST`);
      else if (status >= 400) failures.push(`${ev.scenarioId}: return_url answered APS's POST with HTTP ${status}`);
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
        failures.push(`${ev.scenarioId}: APS's POST to return_url ${s.url} ended on a page saying "${refusal[0]}"`);
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
      summary: 'Apple Pay payments are answered server-to-server; no result was sent to a return_url',
    };
  }
  if (!urls.size) return noEvidence(ctx, anyPayment(ctx), 'no return_url was seen in the traffic');
  const env = ctx.workspace.account.environment;
  for (const url of urls) {
    if (url.startsWith('https:')) continue;
    // A staging server on the APS sandbox may lack a certificate for now; anything else must be https already.
    if (env === 'sandbox') warnings.push(`return_url ${url} is plain http; APS production requires https`);
    else failures.push(`return_url ${url} is not https`);
  }
  if (failures.length) {
    return {
      status: 'failed',
      summary: failures.join('; '),
      fix: 'Serve return_url over https and let it accept a cross-site form POST (no CSRF token, no session needed), answer it with a page or a 303 redirect to the result page; production only returns results by POST.',
      evidence,
    };
  }
  if (!answered)
    return { ...noEvidence(ctx, anyPayment(ctx), 'no result was posted back to return_url yet'), evidence };
  if (warnings.length) {
    return {
      status: 'warn',
      summary: `${warnings.join('; ')}; the POST form was answered in ${answered} scenario(s)`,
      fix: 'Use an https return_url before going live.',
      evidence,
    };
  }
  // Pitfall: query parameters of return_url arrive with APS's fields and must stay out of the response signature.
  const withQuery = [...urls].find((u) => u.includes('?'));
  const queryNote = withQuery
    ? `; note: ${withQuery} has a query string, keep its parameters out of the response signature`
    : '';
  return {
    status: 'passed',
    summary: `return_url is https and answered APS's POST form in ${answered} scenario(s)${queryNote}`,
    evidence,
  };
};
