import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../shared/aps/scenarios';
import { extractRulesFor, SAMPLE_CUSTOMERS } from '../../shared/schema/workspace';
import { createDemoWorkspace, DEMO_EXTRACT_RULES, DEMO_FLOWS_DIR } from '../../electron/engine/demo/workspace';
import { tempDir } from '../helpers/tmp';

const tmp = tempDir('certkit-demo-ws-');
afterAll(() => tmp.cleanup());

const sandbox = {
  paymentPage: 'http://127.0.0.1:4200/FortAPI/paymentPage',
  paymentApi: 'http://127.0.0.1:4200/FortAPI/paymentApi',
  store: 'http://127.0.0.1:4100/',
  merchant: { merchant_identifier: 'CertkitSandbox01' },
};

describe('demo workspace', () => {
  it('says each setting once: a small certkit.json, workspace-wide extract rules, shared flow files', async () => {
    const dir = path.join(tmp.dir, 'demo');
    const ws = await createDemoWorkspace(dir, sandbox, { faults: ['static-email'] });
    expect(statSync(path.join(dir, 'certkit.json')).size).toBeLessThanOrEqual(10 * 1024);
    expect(ws.extract).toEqual(DEMO_EXTRACT_RULES);
    expect(ws.customers).toEqual(SAMPLE_CUSTOMERS);
    // Other brands' card scenarios borrow the card flow (flowFrom): they have no flow entry of their own.
    expect(SCENARIOS.filter((s) => !ws.flows[s.id]).every((s) => s.flowFrom)).toBe(true);
    for (const s of SCENARIOS.filter((sc) => !sc.flowFrom)) {
      expect(ws.flows[s.id].extract).toEqual([]);
      expect(extractRulesFor(ws, s.id)).toEqual(DEMO_EXTRACT_RULES);
    }
    // Scenarios that differ only in test data (outcome, language) replay one file.
    expect(ws.flows['naps-success-ar'].file).toBe(ws.flows['naps-declined-en'].file);
    expect(ws.flows['knet-success'].file).toBe(ws.flows['knet-declined'].file);
    const files = readdirSync(path.join(dir, 'flows'));
    expect(files.length).toBeLessThan(SCENARIOS.length);
    expect(new Set(Object.values(ws.flows).map((f) => f.file))).toEqual(new Set(files.map((f) => `flows/${f}`)));
    // The fault switch reaches every copied flow that opens the store.
    for (const f of files) {
      const shipped = readFileSync(path.join(DEMO_FLOWS_DIR, f), 'utf8');
      const copy = readFileSync(path.join(dir, 'flows', f), 'utf8');
      expect(copy).toBe(shipped.split('{{faultParam}}').join('&fault=static-email'));
    }
    expect(
      files.filter((f) => readFileSync(path.join(dir, 'flows', f), 'utf8').includes('&fault=')).length,
    ).toBeGreaterThan(10);
  });

  it('ships a flow for every catalog scenario and no flow that none uses', () => {
    const index = JSON.parse(readFileSync(path.join(DEMO_FLOWS_DIR, 'scenarios.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(Object.keys(index).sort()).toEqual(
      SCENARIOS.filter((s) => !s.flowFrom)
        .map((s) => s.id)
        .sort(),
    );
    const shipped = readdirSync(DEMO_FLOWS_DIR).filter((f) => f.endsWith('.json') && f !== 'scenarios.json');
    expect(new Set(Object.values(index))).toEqual(new Set(shipped));
  });
});
