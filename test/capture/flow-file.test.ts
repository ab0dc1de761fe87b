import { describe, expect, it } from 'vitest';
import { substituteFlow, validateFlow } from '../../electron/engine/capture/flow-file';
import { CertkitError } from '../../electron/engine/errors';

const flow = (steps: unknown[]) => ({ title: 't', steps });

describe('Recorder flow validation', () => {
  it('refuses a malformed step with its 1-based number and the reason', () => {
    const bad = flow([{ type: 'navigate', url: 'http://x/' }, { type: 'click' }]);
    expect(() => validateFlow(bad, 'f.json')).toThrowError(/f\.json: step 2 is invalid: .*selectors/);
  });

  it('refuses a step without a type, naming the step', () => {
    expect(() =>
      validateFlow(flow([{ type: 'navigate', url: 'http://x/' }, { selectors: [['a']] }]), 'f.json'),
    ).toThrowError(/step 2 is invalid/);
  });

  it('refuses a slot tag that is not in the catalog, and accepts catalog slots', () => {
    expect(() =>
      validateFlow(flow([{ type: 'navigate', url: 'http://x/', certkit: { slot: 'general.nope' } }]), 'f.json'),
    ).toThrowError(/step 1 names screenshot slot "general.nope"/);
    const ok = validateFlow(
      flow([
        { type: 'navigate', url: 'http://x/', certkit: { slot: 'knet.receipt' } },
        { type: 'navigate', url: 'http://y/' },
      ]),
      'f.json',
    );
    expect(ok.tags).toEqual([{ slot: 'knet.receipt' }, {}]);
  });

  it('refuses a non-object and a flow without steps', () => {
    expect(() => validateFlow([], 'f.json')).toThrowError(CertkitError);
    expect(() => validateFlow({ title: 'x' }, 'f.json')).toThrowError(/missing `steps`/);
  });
});

describe('placeholders', () => {
  it('fills every placeholder and keeps the certkit tag untouched', () => {
    const loaded = validateFlow(
      flow([
        {
          type: 'navigate',
          url: '{{baseUrl}}/checkout',
          certkit: { slot: 'general.checkout', label: 'open {{baseUrl}}' },
        },
        { type: 'change', selectors: [['#card']], value: '{{card.number}}' },
      ]),
      'f.json',
    );
    const out = substituteFlow(loaded, { baseUrl: 'http://shop.test', 'card.number': '4005550000000001' });
    expect(out.steps[0]).toMatchObject({ url: 'http://shop.test/checkout' });
    expect(out.steps[1]).toMatchObject({ value: '4005550000000001' });
  });

  it('names a placeholder that has no value', () => {
    const loaded = validateFlow(
      flow([{ type: 'change', selectors: [['#x']], value: '{{otp}} {{card.pin}}' }]),
      'f.json',
    );
    expect(() => substituteFlow(loaded, { otp: '1' }, 'f.json')).toThrowError(
      /no value for placeholder \{\{card\.pin\}\}/,
    );
  });
});
