import { describe, expect, it } from 'vitest';
import { verifyEvidence, AUTOMATIC_CHECKPOINTS } from '../../electron/engine/verify';
import { APPLE_SECRETS, SECRETS, collected, correctEvidence, expectBilingual, workspace } from './evidence-builder';
import type { ScenarioEvidence } from '../../shared/schema/evidence';

const WORKSPACES = {
  hosted: workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD', 'MADA', 'KNET', 'NAPS'] }),
  custom: workspace({ integrationTypes: ['custom_non_pci'], methods: ['VISA', 'MASTERCARD', 'MADA', 'STCPAY'] }),
  recurring: workspace({ integrationTypes: ['hosted', 'recurring'], methods: ['VISA', 'MASTERCARD'] }),
  applePay: workspace({ integrationTypes: ['apple_pay_web'], methods: ['APPLE_PAY'] }),
};

describe('verifier on a correct merchant', () => {
  for (const [name, ws] of Object.entries(WORKSPACES)) {
    it(`passes every automatic check (${name})`, async () => {
      const report = await verifyEvidence(ws, collected(correctEvidence(ws)), {
        secrets: SECRETS,
        appleSecrets: APPLE_SECRETS,
      });
      expectBilingual(report);
      const automatic = report.results.filter(
        (r) => AUTOMATIC_CHECKPOINTS.includes(r.checkpointId) && r.checkpointId !== 'response-signature',
      );
      const notPassing = automatic
        .filter((r) => !['passed', 'not-applicable'].includes(r.status))
        .map((r) => `${r.checkpointId}: ${r.status} ${r.summary}`);
      expect(notPassing).toEqual([]);
      expect(automatic.length).toBeGreaterThan(3);
      expect(report.counts.failed).toBe(0);
    });
  }
});

describe('a request body the browser lost', () => {
  const ws = WORKSPACES.hosted;
  // What the recorder keeps when the page moves on before Chromium hands over a form's body.
  const lost = (x: ScenarioEvidence['exchanges'][number]) => ({
    ...x,
    id: `${x.id}-lost`,
    observedBy: 'browser' as const,
    requestFields: { _error: 'request body not readable: Target closed' },
  });
  const check = async (list: ScenarioEvidence[], id: string) => {
    const report = await verifyEvidence(ws, collected(list), { secrets: SECRETS });
    expectBilingual(report);
    return report.results.find((r) => r.checkpointId === id)!;
  };

  it('is not judged when the simulator recorded the same request', async () => {
    const list = correctEvidence(ws);
    const page = list[0].exchanges.find((x) => x.kind === 'paymentPage')!;
    list[0].exchanges.unshift(lost(page));
    for (const id of ['request-signature', 'customer-email']) expect((await check(list, id)).status).toBe('passed');
  });

  it('asks for a confirmation naming the scenario when it is the only record of that request', async () => {
    const list = correctEvidence(ws);
    const i = list[0].exchanges.findIndex((x) => x.kind === 'paymentPage');
    list[0].exchanges[i] = lost(list[0].exchanges[i]);
    const r = await check(list, 'request-signature');
    expect(r.status).toBe('needs-confirmation');
    expect(r.summary).toContain(`${list[0].scenarioId} paymentPage (its body was not captured`);
  });
});
