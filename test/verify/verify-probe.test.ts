import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature, type ApsParams } from '../../electron/engine/aps/signature';
import { verifyEvidence } from '../../electron/engine/verify';
import { pageVerdict } from '../../electron/engine/verify/probe';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import { SECRETS, collected, correctEvidence, expectBilingual, workspace } from './evidence-builder';

// A tiny merchant return_url whose checks can be switched off, as the faulty integrations do.
// `receiptShowsAmount`: the receipt names the amount the answer carried, as many shops' "you paid" pages do.
const behaviour = { checkSignature: true, checkAmount: true, receiptShowsAmount: false };
const received: Record<string, string>[] = [];
// Its feedback endpoint: 'idempotent' takes a result and its repeat; 'once' refuses the repeat, as a naive handler does.
const feedback = {
  mode: 'idempotent' as 'idempotent' | 'once',
  seen: new Set<string>(),
  posts: [] as { path: string; fields: Record<string, string>; valid: boolean }[],
};
let server: http.Server;
let origin = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/receipt/')) {
      const url = new URL(req.url, 'http://x');
      const ok = url.pathname.endsWith('/paid');
      const paid = url.searchParams.get('amount');
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<h1>${ok ? 'Thank you, payment successful' : 'Payment declined'}</h1>` +
            (ok && paid && behaviour.receiptShowsAmount
              ? `<p>You paid ${(Number(paid) / 100).toFixed(2)} SAR</p>`
              : ''),
        );
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url?.startsWith('/feedback/')) {
        const fields = JSON.parse(body) as Record<string, string>;
        const valid = verifySignature(fields as ApsParams, SECRETS.responsePhrase!, 'sha256', { response: true }).ok;
        feedback.posts.push({ path: req.url, fields, valid });
        const key = `${req.url} ${fields.fort_id}`;
        const repeat = feedback.seen.has(key);
        feedback.seen.add(key);
        res
          .writeHead(!valid ? 400 : repeat && feedback.mode === 'once' ? 500 : 200)
          .end(valid ? 'OK' : 'bad signature');
        return;
      }
      const fields = Object.fromEntries(new URLSearchParams(body));
      received.push(fields);
      if (
        behaviour.checkSignature &&
        !verifySignature(fields as ApsParams, SECRETS.responsePhrase!, 'sha256', { response: true }).ok
      ) {
        res.writeHead(400, { 'content-type': 'text/html' }).end('<p>Response signature mismatch</p>');
        return;
      }
      if (behaviour.checkAmount && fields.amount !== '15000') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<p>Amount does not match the order; payment not accepted</p>');
        return;
      }
      res
        .writeHead(303, {
          location: `/receipt/${fields.merchant_reference}/${fields.status === '14' ? 'paid' : 'declined'}?amount=${fields.amount}`,
        })
        .end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ws = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD'] });

// Two declined scenarios (cards and KNET, one amount): the amount probe gets an order APS never paid.
const twoDeclined = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'KNET'] });

function evidence(on = ws): ScenarioEvidence[] {
  const list = correctEvidence(on, () => ({ amount: '15000' }));
  for (const ev of list) for (const x of ev.exchanges) if (x.kind === 'return') x.url = `${origin}/return`;
  return list;
}

async function probe(check: Partial<typeof behaviour>, on = ws) {
  Object.assign(behaviour, { receiptShowsAmount: false }, check);
  received.length = 0;
  const report = await verifyEvidence(on, collected(evidence(on)), { secrets: SECRETS, probeResponseSignature: true });
  expectBilingual(report);
  const get = (id: string) => report.results.find((r) => r.checkpointId === id)!;
  return { signature: get('response-signature'), amount: get('amount-validation') };
}

describe('opt-in response probes', () => {
  it('a merchant that checks signature and amount passes both, and each modified POST is sent once', async () => {
    const r = await probe({ checkSignature: true, checkAmount: true });
    expect(r.signature.status).toBe('passed');
    expect(r.amount.status).toBe('passed');
    // The signature probe on the declined order; then, on the paid one, the unchanged answer and the changed amount.
    expect(received.map((f) => [f.response_code, f.amount])).toEqual([
      ['14000', '15000'],
      ['14000', '15000'],
      ['14000', '15100'],
    ]);
    // The replay restores the access code the recorder dropped, and changes one thing only.
    expect(received[0]).toMatchObject({ status: '14', response_code: '14000', access_code: SECRETS.accessCode });
    expect(r.signature.evidence[0]).toMatchObject({ kind: 'probe', scenarioId: 'card-declined' });
  });

  it('probes the amount on a second declined order when there is one: only the amount check can refuse it', async () => {
    const ok = await probe({ checkSignature: true, checkAmount: true }, twoDeclined);
    expect(ok.amount.status).toBe('passed');
    expect(received).toHaveLength(2);
    expect(received[1]).toMatchObject({ status: '14', response_code: '14000', amount: '15100' });
    const skips = await probe({ checkSignature: true, checkAmount: false }, twoDeclined);
    expect(skips.amount.status).toBe('failed');
    expect(skips.amount.summary).toMatch(
      /status 13666 -> 14000 Success and amount 15000 -> 15100 on an order APS had declined, correctly signed/,
    );
  });

  it('says it cannot tell when a paid order shows the same confirmation for the changed amount', async () => {
    const r = await probe({ checkSignature: true, checkAmount: false });
    expect(r.amount.status).toBe('needs-confirmation');
    expect(r.amount.summary).toMatch(/already paid.*cannot tell whether the amount is checked/);
  });

  it('a merchant that skips the signature check is caught showing success for a tampered result', async () => {
    const r = await probe({ checkSignature: false, checkAmount: true });
    expect(r.signature.status).toBe('failed');
    expect(r.signature.summary).toMatch(/changed to 14000 Success.*showed success/);
    expect(r.signature.fix).toMatch(/response phrase/);
    expect(r.amount.status).toBe('passed');
  });

  it('a merchant that skips the amount check is caught by a correctly signed, changed amount', async () => {
    const r = await probe({ checkSignature: true, checkAmount: false, receiptShowsAmount: true });
    expect(r.signature.status).toBe('passed');
    expect(r.amount.status).toBe('failed');
    expect(r.amount.summary).toMatch(/amount 15000 -> 15100, correctly signed/);
  });

  it('never probes a production workspace', async () => {
    const prod = workspace({ ...ws, account: { name: 'Live', environment: 'production' } });
    received.length = 0;
    const report = await verifyEvidence(prod, collected(evidence()), {
      secrets: SECRETS,
      probeResponseSignature: true,
    });
    expect(received).toHaveLength(0);
    const r = report.results.find((x) => x.checkpointId === 'response-signature')!;
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toMatch(/production/);
  });

  it('reads refusal and success pages', () => {
    expect(pageVerdict(200, 'Thank you! Your payment was successful')).toBe('accepted');
    expect(pageVerdict(200, 'We could not verify this payment (signature mismatch)')).toBe('rejected');
    expect(pageVerdict(403, 'Thank you')).toBe('rejected');
    expect(pageVerdict(200, 'Hello')).toBe('unclear');
  });
});

describe('opt-in feedback probe', () => {
  const withFeedback = (urls: { direct?: string; notification?: string }) =>
    workspace({
      ...ws,
      store: { ...ws.store, directFeedbackUrl: urls.direct, notificationFeedbackUrl: urls.notification },
    });

  async function feedbackCheck(target: ReturnType<typeof withFeedback>, probeResponseSignature = true) {
    feedback.posts.length = 0;
    feedback.seen.clear();
    Object.assign(behaviour, { checkSignature: true, checkAmount: true });
    const report = await verifyEvidence(target, collected(evidence()), { secrets: SECRETS, probeResponseSignature });
    return report.results.find((r) => r.checkpointId === 'feedback-urls')!;
  }

  it('posts a correctly signed result twice to each URL; endpoints that take both leave it to the engineer to confirm', async () => {
    feedback.mode = 'idempotent';
    const r = await feedbackCheck(
      withFeedback({ direct: `${origin}/feedback/direct`, notification: `${origin}/feedback/notification` }),
    );
    expect(feedback.posts.map((p) => p.path)).toEqual([
      '/feedback/direct',
      '/feedback/direct',
      '/feedback/notification',
      '/feedback/notification',
    ]);
    expect(feedback.posts.every((p) => p.valid)).toBe(true);
    // The recorder masked the card number; the post is signed over what is sent, and the access code is back.
    expect(feedback.posts[0].fields).toMatchObject({ access_code: SECRETS.accessCode, status: '14' });
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toMatch(/accepted a correctly signed result and its repeat/);
    expect(r.evidence.map((e) => e.detail)).toEqual([
      expect.stringMatching(/direct feedback.*HTTP 200, then 200/),
      expect.stringMatching(/notification feedback.*HTTP 200, then 200/),
    ]);
  });

  it('fails an endpoint that refuses the repeat APS sends when it did not get 2xx in time', async () => {
    feedback.mode = 'once';
    const r = await feedbackCheck(withFeedback({ direct: `${origin}/feedback/direct` }));
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/direct feedback URL answered 200, then 500/);
    expect(r.fix).toMatch(/accept the same result again/);
  });

  it('fails a placeholder URL without posting anything, and says what is missing otherwise', async () => {
    const placeholder = await feedbackCheck(withFeedback({ direct: 'https://www.example.com/feedback' }));
    expect(placeholder.status).toBe('failed');
    expect(placeholder.summary).toMatch(/placeholder/);
    expect(feedback.posts).toHaveLength(0);
    expect((await feedbackCheck(ws)).summary).toMatch(/names no feedback URLs/);
    const notAsked = await feedbackCheck(withFeedback({ direct: `${origin}/feedback/direct` }), false);
    expect(notAsked.status).toBe('needs-confirmation');
    expect(notAsked.summary).toMatch(/not probed: not requested/);
    expect(feedback.posts).toHaveLength(0);
  });

  it('warns when the endpoint cannot be reached', async () => {
    const r = await feedbackCheck(withFeedback({ direct: 'http://127.0.0.1:9/feedback' }));
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/could not reach the direct feedback URL/);
  });
});
