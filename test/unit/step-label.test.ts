import { describe, expect, it } from 'vitest';
import { StepType } from '@puppeteer/replay';
import { explainStepError, stepLabel } from '../../electron/engine/capture/step-label';

describe("step errors in the user's terms", () => {
  const raw = { type: 'navigate', url: '{{baseUrl}}/kw/' };
  const refused = new Error('net::ERR_CONNECTION_REFUSED at http://127.0.0.1:4999/kw/');

  it('names an unreachable address as the browser tried it, while the label keeps the template', () => {
    const e = explainStepError(refused, raw, 30_000, { type: StepType.Navigate, url: 'http://127.0.0.1:4999/kw/' });
    expect(e.message).toBe('http://127.0.0.1:4999/kw/ could not be reached (ERR_CONNECTION_REFUSED)');
    expect(e.hint).toMatch(/store\.baseUrl/);
    expect(stepLabel(raw)).toBe('Open {{baseUrl}}/kw/');
  });

  it('falls back to the recorded address when the replayed step is not known', () => {
    expect(explainStepError(refused, raw, 30_000).message).toBe(
      '{{baseUrl}}/kw/ could not be reached (ERR_CONNECTION_REFUSED)',
    );
  });
});
