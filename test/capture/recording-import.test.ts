// A raw Recorder export, as Chrome writes it, made into a Certkit flow: Souq Al Oud's own exports (a shop Certkit has
// never seen, test/fixtures/recordings/souq) and small hand-made ones for the cases they do not cover.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../shared/aps/catalog-index';
import { prepareRecording, type RecordingContext } from '../../electron/engine/capture/recording-import';
import { flowFileName, parseSlotOverride } from '../../electron/engine/capture/flow-import';
import { placeholderPreview } from '../../electron/engine/run/flow-preview';
import { parseWorkspace } from '../../electron/engine/workspace/workspace';
import { recordingText } from '../merchants/souq/recordings';
import type { FlowId } from '../merchants/souq/flows';

const SHOP = 'http://127.0.0.1:4100';

function context(ids: string[], extra: Partial<RecordingContext> = {}): RecordingContext {
  const scenarios = ids.map((id) => CATALOG.scenarios.get(id));
  const slots = [...new Set(scenarios.flatMap((s) => s.slots))].filter(
    (s) => s !== 'general.pre_checkout' && CATALOG.slots.get(s).kind === 'page',
  );
  return { scenarios, slots, apsHosts: ['127.0.0.1:4200'], source: 'r.json', ...extra };
}

function souq(id: FlowId, scenarios: string[] = [id], extra: Partial<RecordingContext> = {}) {
  const raw = recordingText(id);
  const out = prepareRecording(JSON.parse(raw), context(scenarios, extra));
  const steps = out.flow.steps as Record<string, unknown>[];
  return { raw, ...out, steps, text: JSON.stringify(out.flow) };
}

const valueAt = (steps: Record<string, unknown>[], step: number) => steps[step - 1].value;
const slotsOf = (r: { report: { slots: { step: number; slot: string }[] } }) =>
  Object.fromEntries(r.report.slots.map((s) => [s.slot, s.step]));

describe('placeholders by role, not by shape', () => {
  it('KNET: the test card, expiry and PIN typed on KNET’s page become KNET’s own placeholders', () => {
    const r = souq('knet-success', ['knet-success', 'knet-declined']);
    expect(valueAt(r.steps, 23)).toBe('{{knet.card}}'); // 0000000001, which looks like a phone number
    expect(valueAt(r.steps, 26)).toBe('{{knet.expiry}}');
    expect(valueAt(r.steps, 29)).toBe('{{knet.pin}}');
    expect(valueAt(r.steps, 7)).toBe('{{customer.name}}');
    expect(valueAt(r.steps, 10)).toBe('{{customer.email}}');
    expect(valueAt(r.steps, 13)).toBe('{{customer.phone}}');
    expect(r.report.substitutions.find((s) => s.step === 23)).toMatchObject({ page: 'APS page', by: 'name' });
    expect(r.report.substitutions.find((s) => s.step === 7)).toMatchObject({ page: 'store page', field: 'Full name' });
    // Nothing of the shopper or the card is left, anywhere in the file.
    for (const recorded of ['Abdullah', 'abdullah.rashidi', '6677', '0000000001'])
      expect(r.text).not.toContain(recorded);
    // What is not a card, credential or customer field stays, and is listed.
    expect(r.report.kept.map((k) => [k.step, k.field])).toEqual([
      [16, 'Area, block and street'],
      [18, 'Payment method'],
    ]);
  });

  it('BENEFIT: card, expiry and PIN become BENEFIT’s placeholders, not a card scenario’s', () => {
    const r = souq('benefit-declined');
    expect([23, 26, 29].map((n) => valueAt(r.steps, n))).toEqual([
      '{{benefit.card}}',
      '{{benefit.expiry}}',
      '{{benefit.pin}}',
    ]);
    expect(r.text).not.toContain('4600410123456789');
  });

  it('cards: number, expiry, CVV and cardholder on APS’s page; the 3-D Secure password stays as the test page wants', () => {
    const r = souq('card-3ds-success');
    expect([23, 26, 29, 32].map((n) => valueAt(r.steps, n))).toEqual([
      '{{card.number}}',
      '{{card.expiry}}',
      '{{card.cvv}}',
      '{{card.holder}}',
    ]);
    expect(valueAt(r.steps, 35)).toBe('1234');
    expect(r.report.kept.find((k) => k.step === 35)?.why).toMatch(/3-D Secure/);
    expect(r.report.substitutions.find((s) => s.step === 23)?.recorded).toBe('455701******8902');
    expect(r.text).not.toMatch(/4557012345678902|Yousef|Al-Mutairi/);
  });

  it('falls back to the value’s shape for fields with no telling name, and to position for a CVV after a card', () => {
    const flow = {
      title: 'shapes',
      steps: [
        { type: 'navigate', url: `${SHOP}/pay` },
        { type: 'change', selectors: [['#f1']], value: '4005 5500 0000 0001' },
        { type: 'change', selectors: [['#f2']], value: '123' },
        { type: 'change', selectors: [['#f3']], value: '05/30' },
        { type: 'change', selectors: [['#f4']], value: 'someone@corp.example' },
        { type: 'change', selectors: [['#f5']], value: '+966 50 123 4567' },
        { type: 'change', selectors: [['#qty']], value: '2' },
        { type: 'change', selectors: [['#f6']], value: '4557012345678903' }, // fails Luhn
      ],
    };
    const r = prepareRecording(flow, context(['card-declined']));
    const values = (r.flow.steps as { value?: string }[]).slice(1).map((s) => s.value);
    expect(values).toEqual([
      '{{card.number}}',
      '{{card.cvv}}',
      '{{card.expiry}}',
      '{{customer.email}}',
      '{{customer.phone}}',
      '2',
      '4557012345678903',
    ]);
    expect(r.report.substitutions.map((s) => s.by)).toEqual(['shape', 'position', 'shape', 'shape', 'shape']);
  });
});

describe('everything else in the recording', () => {
  it('store URLs become relative to store.baseUrl; APS’s stay as they are', () => {
    const r = souq('knet-success');
    const nav = r.steps[1] as { url: string; assertedEvents: { url: string }[] };
    expect(nav.url).toBe('{{baseUrl}}/kw/');
    expect(nav.assertedEvents[0].url).toBe('{{baseUrl}}/kw/');
    expect(r.text).not.toContain(SHOP);
    expect(r.text).toContain('http://127.0.0.1:4200/FortAPI/lpm/');
    expect(r.report.relative).toEqual({ origins: [SHOP], count: 7 });
    expect(r.storeOrigin).toBe(SHOP);
  });

  it('a store.baseUrl with a path keeps its path, and the recorded origin maps onto it', () => {
    const flow = {
      title: 'paths',
      steps: [
        { type: 'navigate', url: 'https://rec.example/shop/kw/' },
        {
          type: 'click',
          selectors: [['a']],
          offsetX: 1,
          offsetY: 1,
          assertedEvents: [{ type: 'navigation', url: 'https://rec.example/shop/bag' }],
        },
      ],
    };
    const r = prepareRecording(flow, context(['card-declined'], { baseUrl: 'https://staging.example/shop/' }));
    expect(JSON.stringify(r.flow)).not.toContain('rec.example');
    expect((r.flow.steps as { url?: string }[])[0].url).toBe('{{baseUrl}}/kw/');
  });

  it('scrubs card numbers, emails and typed values inside URLs, selectors and titles', () => {
    const flow = {
      title: 'Checkout for ali.hasan@example.com',
      steps: [
        { type: 'navigate', url: `${SHOP}/pay?card=4005550000000001&email=ali.hasan%40example.com` },
        { type: 'change', selectors: [['aria/Full name']], value: 'Ali Hasan Al-Sayed' },
        {
          type: 'click',
          selectors: [['aria/Pay as Ali Hasan Al-Sayed'], ['a[href="/u/ali.hasan@example.com"]']],
          offsetX: 1,
          offsetY: 1,
        },
      ],
    };
    const r = prepareRecording(flow, context(['card-declined']));
    const text = JSON.stringify(r.flow);
    expect(text).not.toMatch(/4005550000000001|ali\.hasan|Ali Hasan/);
    expect(text).toContain('aria/Pay as {{customer.name}}');
    expect(text).toContain('{{baseUrl}}/pay?card={{card.number}}&email={{customer.email}}');
    expect(Object.fromEntries(r.report.scrubbed.map((s) => [s.placeholder, s.count]))).toEqual({
      '{{customer.name}}': 1,
      '{{card.number}}': 1,
      '{{customer.email}}': 3,
    });
  });

  it('one recording serves one method’s scenarios; scenarios paying differently are refused, naming them', () => {
    expect(() => souq('knet-success', ['knet-success', 'benefit-success'])).toThrow(
      /knet-success \(KNET\), benefit-success \(BENEFIT\).*different methods/,
    );
    // Card brands are one way of paying: the brand is the test card.
    expect(() =>
      souq('card-non3ds-success', ['card-non3ds-success', 'card-declined', 'card-amex-success']),
    ).not.toThrow();
    expect(flowFileName(['knet-success', 'knet-declined'])).toBe('knet');
    expect(flowFileName(['naps-success-ar', 'naps-success-en'])).toBe('naps-success');
    expect(flowFileName(['card-declined'])).toBe('card-declined');
  });
});

describe('slots from where each page is', () => {
  it('KNET: product page, filled checkout, KNET’s pages in order, the receipt after the return', () => {
    const r = souq('knet-success');
    expect(slotsOf(r)).toEqual({
      'knet.pre_checkout': 3, // the product page "Add to bag" was clicked on
      'knet.checkout': 19, // last step on the checkout form, with KNET chosen
      'knet.payment_page': 21, // the click that opened KNET's page
      'knet.confirmation': 30,
      'knet.receipt': 32,
    });
    expect(r.report.missingSlots).toEqual([]);
    expect((r.steps[18].certkit as { slot: string }).slot).toBe('knet.checkout');
  });

  it('cards: the 3-D Secure page by its address; a flow that ends on APS gets its result slot on the last step', () => {
    expect(slotsOf(souq('card-3ds-success'))).toEqual({
      'general.checkout': 19,
      'general.three_ds': 33,
      'general.result': 36,
    });
    expect(slotsOf(souq('card-declined'))).toEqual({ 'general.checkout': 21, 'general.result': 35 });
  });

  it('--slot moves or removes a tag; a step or slot that does not exist is refused', () => {
    const overrides = new Map([parseSlotOverride('20=general.checkout'), parseSlotOverride('35=none')]);
    const r = souq('card-declined', ['card-declined'], { slotOverrides: overrides });
    expect(slotsOf(r)).toEqual({ 'general.checkout': 20 });
    expect(r.report.slots.find((s) => s.step === 20)?.source).toBe('set');
    expect(r.report.missingSlots).toEqual(['general.result']);
    expect(r.steps[20].certkit).toBeUndefined();
    expect(() =>
      souq('card-declined', ['card-declined'], { slotOverrides: new Map([[99, 'general.result']]) }),
    ).toThrow(/has 35 steps/);
    expect(() => souq('card-declined', ['card-declined'], { slotOverrides: new Map([[3, 'general.nope']]) })).toThrow(
      /not a screenshot slot/,
    );
    expect(() => parseSlotOverride('general.result')).toThrow(/STEP=SLOT/);
  });
});

describe('what each placeholder will be, per scenario', () => {
  it('a KNET recording for success and declined: the PIN decides; each scenario’s customer fills name, email and phone', () => {
    const ws = parseWorkspace(
      {
        version: 1,
        account: { name: 'Souq' },
        integrationTypes: ['hosted'],
        methods: ['VISA', 'MASTERCARD', 'KNET'],
        store: { baseUrl: `${SHOP}/` },
        flows: {
          'knet-success': { file: 'flows/knet.json' },
          'knet-declined': { file: 'flows/knet.json' },
          'card-non3ds-success': { file: 'flows/card.json' },
        },
      },
      'certkit.json',
    );
    const knet = placeholderPreview(ws, 'flows/knet.json', [
      'customer.name',
      'customer.email',
      'knet.pin',
      'knet.card',
    ]);
    expect(knet.scenarios).toEqual(['knet-success', 'knet-declined']);
    const v = Object.fromEntries(knet.values.map((x) => [x.placeholder, x.byScenario]));
    expect(v['knet.pin']).toEqual({ 'knet-success': '1234', 'knet-declined': '0000' });
    expect(v['knet.card']).toEqual({ 'knet-success': '0000000001', 'knet-declined': '0000000001' });
    for (const id of knet.scenarios) {
      const customer = ws.customers.find((c) => c.email === v['customer.email'][id])!;
      expect(v['customer.name'][id]).toBe(customer.name);
    }
    // The card flow serves the Mastercard scenario too, with Mastercard's test card.
    const card = placeholderPreview(ws, 'flows/card.json', ['card.number']);
    expect(card.scenarios).toEqual(['card-non3ds-success', 'card-mastercard-success']);
    expect(card.values[0].byScenario).toEqual({
      'card-non3ds-success': '4005550000000001',
      'card-mastercard-success': '5123456789012346',
    });
  });
});
