import { describe, expect, it } from 'vitest';
import type { ScenarioEvidence } from '../../shared/schema/evidence';
import { verifyEvidence } from '../../electron/engine/verify';
import { SECRETS, collected, correctEvidence, workspace } from './evidence-builder';

const HOSTED = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD'] });

async function signatureBackend(ws = HOSTED, edit: (list: ScenarioEvidence[]) => void = () => undefined) {
  const list = correctEvidence(ws);
  edit(list);
  const report = await verifyEvidence(ws, collected(list), { secrets: SECRETS });
  return report.results.find((r) => r.checkpointId === 'signature-backend')!;
}

describe('signature-backend from the secret-leak scan', () => {
  it('passes with the counts when no script or page held a secret', async () => {
    const r = await signatureBackend();
    expect(r.status).toBe('passed');
    expect(r.summary).toMatch(/^\d+ scripts and \d+ pages scanned in \d+ scenario\(s\), 0 hits$/);
  });

  it('fails naming the URL and which secret leaked, in a scenario that did not pass too', async () => {
    const r = await signatureBackend(HOSTED, (list) => {
      list[1].status = 'failed';
      list[1].leakScan!.hits.push({ url: 'http://shop.test/js/app.js', kind: 'script', secret: 'request phrase' });
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('the request phrase is in the script http://shop.test/js/app.js');
    expect(r.fix).toMatch(/server/);
    expect(r.evidence.map((e) => e.detail)).toEqual(['script http://shop.test/js/app.js holds the request phrase']);
  });

  it('has no evidence when no run carried the secrets, and asks for the app bundle on mobile', async () => {
    const none = await signatureBackend(HOSTED, (list) => list.forEach((ev) => delete ev.leakScan));
    expect(none.status).toBe('no-evidence');
    const partial = await signatureBackend(HOSTED, (list) =>
      list.forEach((ev) => (ev.leakScan!.searched = ['access code'])),
    );
    expect(partial.status).toBe('needs-confirmation');
    expect(partial.summary).toMatch(/did not have the request phrase and response phrase/);
    const mobile = await signatureBackend(workspace({ integrationTypes: ['hosted', 'mobile'], methods: ['VISA'] }));
    expect(mobile.status).toBe('needs-confirmation');
    expect(mobile.fix).toMatch(/mobile app bundle/);
  });
});
