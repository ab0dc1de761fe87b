import { describe, expect, it } from 'vitest';
import { verifyEvidence, AUTOMATIC_CHECKPOINTS } from '../../electron/engine/verify';
import { APPLE_SECRETS, SECRETS, collected, correctEvidence, workspace } from './evidence-builder';

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
