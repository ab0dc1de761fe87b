import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../electron/engine/verify';
import { feedbackTargets } from '../../electron/engine/verify/probe';
import { loadProbeRecord, probeRecord, probesFile } from '../../electron/engine/verify/probe-store';
import { both, readsArabic } from '../../shared/text';
import { SECRETS, collected, correctEvidence, workspace } from './evidence-builder';

const ws = workspace({ integrationTypes: ['hosted'], methods: ['VISA', 'MASTERCARD'] });
const evidence = collected(correctEvidence(ws));
const AT = '2026-11-01T10:00:00.000Z';
const CHANGE = 'declined result (13666) changed to 14000 Success, original signature kept';

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

/** verify-probes.json as Certkit wrote it before its probes spoke Arabic: every sentence a plain English string. */
async function englishOnlyRecord(runId: string): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'certkit-probes-'));
  await mkdir(path.dirname(probesFile(dir)), { recursive: true });
  const record = {
    version: 1,
    at: AT,
    basis: { 'card-declined': runId },
    feedbackUrls: feedbackTargets(ws).map((t) => t.url),
    results: {
      signature: {
        verdict: 'rejected',
        scenarioId: 'card-declined',
        change: CHANGE,
        url: 'https://127.0.0.1:4100/aps/return',
        httpStatus: 400,
        pageText: 'Response signature mismatch',
      },
      feedbackSkipped: 'the SHA response phrase is not set, so no feedback post can be signed',
    },
  };
  await writeFile(probesFile(dir), JSON.stringify(record));
  return dir;
}

async function responseSignature(workspaceDir: string) {
  const storedProbes = await loadProbeRecord(workspaceDir);
  const report = await verifyEvidence(ws, evidence, { secrets: SECRETS, storedProbes });
  return report.results.find((r) => r.checkpointId === 'response-signature')!;
}

describe('stored probe results', () => {
  it('a record written before the probes spoke Arabic still speaks for its evidence', async () => {
    const runId = evidence.byScenario.get('card-declined')!.runId;
    const result = await responseSignature(await englishOnlyRecord(runId));
    expect(result.status).toBe('passed');
    expect(result.summary).toBe(
      `A result with ${CHANGE} was sent to return_url and the merchant refused it (the response signature check)`,
    );
    // The recorded change has no Arabic; the sentence around it does, and nothing prints as an object.
    expect(result.ar?.summary ?? '').toContain(CHANGE);
    expect(readsArabic(result.ar?.summary ?? '')).toBe(true);
    expect(JSON.stringify(result)).not.toContain('[object Object]');
  });

  it('a record whose evidence was replaced says why in both languages, with the command that probes again', async () => {
    const runId = evidence.byScenario.get('card-declined')!.runId;
    const result = await responseSignature(await englishOnlyRecord('run-older'));
    expect(result.status).toBe('needs-confirmation');
    expect(result.summary).toBe(
      `The merchant's response-signature check was not probed: the probe of ${AT} replayed card-declined from run run-older, and that is no longer the evidence used for it (now run ${runId}, passed); probe again (certkit verify <workspace> --probe-response)`,
    );
    expect(result.ar?.summary ?? '').toContain('run-older');
    expect(result.ar?.summary ?? '').toContain('أعد الاختبار (certkit verify <workspace> --probe-response)');
    expect(readsArabic(result.ar?.fix ?? '')).toBe(true);
  });

  it('keeps the Arabic of a record written now', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'certkit-probes-'));
    await mkdir(path.dirname(probesFile(dir)), { recursive: true });
    const record = probeRecord(
      {
        amount: {
          verdict: 'unclear',
          scenarioId: 'card-declined',
          change: both('amount 15000 -> 15100', 'المبلغ من 15000 إلى 15100'),
          note: both('the order was already paid', 'كان الطلب مدفوعًا من قبل'),
          url: 'https://127.0.0.1:4100/aps/return',
          httpStatus: 200,
        },
        feedbackSkipped: both('no feedback URL', 'لا عنوان feedback'),
      },
      evidence,
      ws,
    );
    await writeFile(probesFile(dir), JSON.stringify(record));
    expect(await loadProbeRecord(dir)).toEqual(record);
  });
});
