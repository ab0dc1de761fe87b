import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  currencyDecimals,
  formatMinorUnits,
  methodFromRequest,
  methodRuleViolation,
  paramFormatError,
  paramFormatProblem,
  PAYMENT_METHODS,
  toMinorUnits,
} from '../../shared/aps/catalog';
import { buildPlan } from '../../shared/plan';
import { readsArabic } from '../../shared/text';

describe('currencies', () => {
  it('uses three decimals for the Gulf dinars and rial, two for SAR/QAR/AED', () => {
    expect(['KWD', 'BHD', 'OMR', 'JOD'].map(currencyDecimals)).toEqual([3, 3, 3, 3]);
    expect(['SAR', 'QAR', 'AED'].map(currencyDecimals)).toEqual([2, 2, 2]);
    expect(currencyDecimals('JPY')).toBe(0);
  });
  it('converts without float drift', () => {
    expect(toMinorUnits('500', 'AED')).toBe(50000);
    expect(toMinorUnits('100', 'JOD')).toBe(100000);
    expect(toMinorUnits('0.29', 'SAR')).toBe(29);
    expect(toMinorUnits('12.5', 'KWD')).toBe(12500);
    expect(() => toMinorUnits('1.2345', 'KWD')).toThrow(/3 decimals/);
    expect(formatMinorUnits(12500, 'KWD')).toBe('12.500');
    expect(formatMinorUnits(5, 'SAR')).toBe('0.05');
  });
});

describe('method rules', () => {
  it('refuses AUTHORIZATION for PURCHASE-only methods and wrong currencies', () => {
    for (const id of ['MADA', 'KNET', 'NAPS', 'BENEFIT', 'OMANNET', 'STCPAY'] as const) {
      expect(methodRuleViolation(id, 'AUTHORIZATION', PAYMENT_METHODS[id].defaultCurrency)).toMatch(/PURCHASE only/);
      expect(methodRuleViolation(id, 'PURCHASE', PAYMENT_METHODS[id].defaultCurrency)).toBeNull();
    }
    expect(methodRuleViolation('KNET', 'PURCHASE', 'SAR')).toMatch(/KWD only/);
    expect(methodRuleViolation('VISA', 'AUTHORIZATION', 'USD')).toBeNull();
  });
  it('reads the method from payment_option or digital_wallet', () => {
    expect(methodFromRequest({ payment_option: 'KNET' })).toBe('KNET');
    expect(methodFromRequest({ digital_wallet: 'STCPAY' })).toBe('STCPAY');
    expect(methodFromRequest({})).toBeUndefined();
  });
});

describe('parameter formats', () => {
  it('checks length, charset and closed lists', () => {
    expect(paramFormatError('merchant_reference', 'ord-1_2.3')).toBeNull();
    expect(paramFormatError('merchant_reference', 'ord#1')).toMatch(/characters/);
    expect(paramFormatError('merchant_reference', 'x'.repeat(41))).toMatch(/at most 40/);
    expect(paramFormatError('language', 'ar_SA')).toMatch(/one of en, ar/);
    expect(paramFormatError('agreement_id', 'AGR-1')).toMatch(/characters/);
    expect(paramFormatError('unknown_thing', 'x')).toBeNull();
  });

  it('names the same problem in Arabic, with the parameter and the limits as written', () => {
    const list = paramFormatProblem('language', 'ar_SA')!;
    expect(list.en).toBe(paramFormatError('language', 'ar_SA'));
    expect(list.ar).toContain('language');
    expect(list.ar).toContain('en، ar');
    const long = paramFormatProblem('merchant_reference', 'x'.repeat(41))!;
    expect(long.ar).toMatch(/merchant_reference.*41.*40/);
    for (const t of [list, long, paramFormatProblem('agreement_id', 'AGR-1')!]) expect(readsArabic(t.ar)).toBe(true);
    expect(paramFormatProblem('merchant_reference', 'ord-1')).toBeNull();
  });
});

describe('response classes', () => {
  it('follows the plugins: success, 3DS, declined, on hold, invalid request', () => {
    expect(classifyResponse('14000')).toBe('success');
    expect(classifyResponse('18000')).toBe('success');
    expect(classifyResponse('52062')).toBe('success');
    expect(classifyResponse('20064')).toBe('3ds-required');
    expect(classifyResponse('13666')).toBe('declined');
    expect(classifyResponse('00008')).toBe('invalid-request');
    expect(classifyResponse('15777')).toBe('on-hold');
    expect(classifyResponse('19000')).toBe('pending');
  });
});

describe('plan', () => {
  const base = {
    integrationTypes: ['hosted' as const],
    features: { installments: false, savedCards: false, recurring: false },
  };
  it('asks the basic card tests of any card merchant, and the mada test only with mada', () => {
    const visa = buildPlan({ ...base, methods: ['VISA'] });
    expect(visa.scenarios.map((s) => s.id)).toEqual(['card-non3ds-success', 'card-3ds-success', 'card-declined']);
    expect(visa.slots.map((s) => s.slot.id)).not.toContain('general.pre_checkout');
    const mada = buildPlan({ ...base, methods: ['VISA', 'MADA'] });
    expect(mada.scenarios.map((s) => s.id)).toContain('mada-success');
    expect(mada.slots.map((s) => s.slot.id)).toContain('general.pre_checkout');
    expect(mada.checkpoints.map((c) => c.id)).toContain('branding-mada');
  });
  it('adds feature scenarios only when used', () => {
    const plan = buildPlan({
      ...base,
      methods: ['VISA'],
      features: { installments: true, savedCards: true, recurring: false },
    });
    expect(plan.scenarios.map((s) => s.id)).toEqual(
      expect.arrayContaining(['installments-success', 'card-save', 'card-delete']),
    );
    expect(plan.scenarios.map((s) => s.id)).not.toContain('recurring-initial');
  });
  it('has no card tests for a KNET-only merchant', () => {
    const plan = buildPlan({ ...base, methods: ['KNET'] });
    expect(plan.scenarios.map((s) => s.id)).toEqual(['knet-success', 'knet-declined']);
    expect(plan.slots).toHaveLength(5);
  });
  it('filters checkpoints by integration type', () => {
    const mobile = buildPlan({ ...base, integrationTypes: ['mobile'], methods: ['VISA'] });
    const ids = mobile.checkpoints.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['sdk-token-server', 'latest-sdk']));
    expect(ids).not.toContain('return-url-post');
    expect(mobile.slots.map((s) => s.slot.id)).toContain('general.tokenization_code');
  });
});
