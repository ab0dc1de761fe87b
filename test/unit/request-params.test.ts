import { describe, expect, it } from 'vitest';
import {
  PARAM_FAMILIES,
  REQUEST_TABLES,
  TOKENIZATION_UNSIGNED_FIELDS,
  checkParams,
  describeRequests,
  missingParams,
  paramRule,
  paramType,
  requestIdOf,
  signedParams,
  unknownParams,
  visaAmountProblem,
} from '../../shared/aps/catalog';

const HOSTED = {
  command: 'PURCHASE',
  access_code: 'abc',
  merchant_identifier: 'm1',
  merchant_reference: 'R-1',
  amount: '10000',
  currency: 'SAR',
  language: 'en',
  customer_email: 'a@example.org',
  signature: 'ab12',
};
const TOKEN_PURCHASE = { ...HOSTED, token_name: 'tok1', customer_ip: '192.0.2.1' };

describe('request parameter tables', () => {
  it('takes every optional family the SDKs send on a payment, and still refuses names APS does not know', () => {
    const families = {
      billing_street: 'King Fahd Road 1',
      billing_city: 'Riyadh',
      shipping_sameAsBilling: 'YES',
      customer_first_name: 'Layla',
      ship_address_city: 'Jeddah',
      rcpt_email: 'gift@example.org',
      item_sku: 'SKU-1',
      item_price: '12.50',
      cart_details: 'two mugs',
      fraud_extra25: 'x',
      statement_descriptor: 'CERTKIT SHOP',
    };
    expect(checkParams('hosted', { ...HOSTED, ...families })).toBeNull();
    expect(checkParams('PURCHASE', { ...TOKEN_PURCHASE, ...families, airline_data: { pnr: 'X1' } })).toBeNull();
    expect(checkParams('hosted', { ...HOSTED, integration_type: 'hosted' })).toMatchObject({
      message: '027',
      params: ['integration_type'],
    });
    // Maintenance and tokenization take none of the families: APS would refuse them there.
    expect(unknownParams('CAPTURE', { billing_city: 'Riyadh' })).toEqual(['billing_city']);
    expect(unknownParams('standard_tokenization', { shipping_city: 'Riyadh' })).toEqual(['shipping_city']);
    // A nested object only exists in a JSON request, and only airline_data and the apple_* objects take one.
    expect(checkParams('hosted', { ...HOSTED, airline_data: 'x' })?.message).toBe('027');
    expect(checkParams('PURCHASE', { ...TOKEN_PURCHASE, customer_name: { a: 1 } })?.message).toBe('002');
  });

  it('checks family formats where APS publishes them', () => {
    expect(checkParams('hosted', { ...HOSTED, customer_first_name: 'x'.repeat(31) })).toMatchObject({
      message: '032',
      params: ['customer_first_name'],
    });
    expect(checkParams('hosted', { ...HOSTED, item_price: '12,50' })?.message).toBe('002');
    expect(PARAM_FAMILIES.fraud_extra.params).toHaveLength(25);
  });

  it('decides the conditional parameters of a server-to-server payment from the request', () => {
    const base = { ...HOSTED };
    expect(missingParams('PURCHASE', base)).toEqual(['token_name', 'customer_ip']);
    // Trusted channel: the card instead of a token; CVV only for e-commerce.
    const trusted = { ...base, customer_ip: '192.0.2.1', card_number: '4005550000000001' };
    expect(missingParams('PURCHASE', trusted)).toEqual(['expiry_date', 'card_security_code']);
    expect(missingParams('PURCHASE', { ...trusted, eci: 'MOTO', expiry_date: '3005' })).toEqual([]);
    expect(missingParams('PURCHASE', { ...base, digital_wallet: 'APPLE_PAY' })).toEqual([
      'customer_ip',
      'apple_data',
      'apple_signature',
      'apple_header',
      'apple_paymentMethod',
    ]);
    expect(missingParams('PURCHASE', { ...TOKEN_PURCHASE, installments: 'YES' })).toEqual(['plan_code', 'issuer_code']);
    expect(missingParams('PURCHASE', { ...base, token_name: 't', eci: 'RECURRING' })).toEqual(['agreement_id']);
    expect(missingParams('CHECK_STATUS', { query_command: 'CHECK_STATUS', fort_id: '1' })).not.toContain(
      'merchant_reference',
    );
    expect(missingParams('CHECK_STATUS', { query_command: 'CHECK_STATUS' })).toContain('merchant_reference');
  });

  it('narrows allowed values per request', () => {
    expect(checkParams('PURCHASE', { ...TOKEN_PURCHASE, installments: 'STANDALONE' })).toMatchObject({
      message: '033',
      params: ['installments'],
    });
    expect(checkParams('hosted', { ...HOSTED, installments: 'STANDALONE' })).toBeNull();
    expect(checkParams('hosted', { ...HOSTED, installments: 'YES' })?.message).toBe('033');
  });

  it('tells the standard checkout from the custom form by the card data the form carries', () => {
    const tok = { service_command: 'TOKENIZATION', merchant_reference: 'R' };
    expect(requestIdOf(tok, 'paymentPage')).toBe('standard_tokenization');
    expect(requestIdOf({ ...tok, card_number: '4005550000000001' }, 'paymentPage')).toBe('tokenization');
    expect(requestIdOf({ ...tok, card_security_code: '123', token_name: 't' }, 'paymentPage')).toBe('tokenization');
    expect(requestIdOf({ command: 'PURCHASE' }, 'paymentPage')).toBe('hosted');
    expect(requestIdOf({ query_command: 'GET_INSTALLMENTS_PLANS' }, 'paymentApi')).toBe('GET_INSTALLMENTS_PLANS');
    expect(requestIdOf({ command: 'hosted' }, 'paymentApi')).toBeUndefined();
    // The standard checkout's request carries no card field, so the custom form's card fields are refused there.
    expect(unknownParams('standard_tokenization', { card_holder_name: 'A' })).toEqual(['card_holder_name']);
  });

  it('marks exactly the card fields of the browser tokenization form as unsigned, as the signer leaves them out', () => {
    const unsigned = Object.entries(REQUEST_TABLES.tokenization.params)
      .filter(([, r]) => !r.signed)
      .map(([k]) => k);
    expect(unsigned.sort()).toEqual([...TOKENIZATION_UNSIGNED_FIELDS].sort());
    const form = { service_command: 'TOKENIZATION', merchant_reference: 'R', card_number: '4', remember_me: 'YES' };
    expect(signedParams('tokenization', form)).toEqual(['service_command', 'merchant_reference']);
    expect(paramRule('PURCHASE', 'card_number')?.signed).toBe(true);
  });

  it('serializes every table as plain data for certkit catalog --json', () => {
    const rows = JSON.parse(JSON.stringify(describeRequests())) as ReturnType<typeof describeRequests>;
    expect(rows.map((r) => r.id)).toEqual(Object.keys(REQUEST_TABLES));
    const custom = rows.find((r) => r.id === 'tokenization')!;
    expect(custom.params.find((p) => p.name === 'card_number')).toMatchObject({
      presence: 'conditional',
      signed: false,
      type: 'numeric',
      maxLength: 19,
    });
    const purchase = rows.find((r) => r.id === 'PURCHASE')!;
    expect(purchase.params.find((p) => p.name === 'installments')?.values).toEqual(['YES', 'HOSTED', 'NO']);
    expect(purchase.optionalFamilies).toContain('billing');
  });

  it('describes each parameter by type', () => {
    expect(paramType('amount')).toBe('numeric');
    expect(paramType('merchant_identifier')).toBe('alphanumeric');
    expect(paramType('language')).toBe('list of values');
    expect(paramType('apple_header')).toBe('object');
    expect(paramType('billing_street')).toBe('text');
  });
});

describe('Visa amounts in 3-decimal currencies', () => {
  it('must end in 0; other brands and currencies are not touched', () => {
    expect(visaAmountProblem('VISA', 'KWD', 10005)).toMatch(/must end in 0.*10\.005 KWD/);
    expect(visaAmountProblem('VISA', 'KWD', 10010)).toBeNull();
    expect(visaAmountProblem('MASTERCARD', 'KWD', 10005)).toBeNull();
    expect(visaAmountProblem('VISA', 'SAR', 10005)).toBeNull();
  });
});
