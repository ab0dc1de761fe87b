import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  signatureBody,
  signaturesEqual,
  verifySignature,
  type ApsParams,
} from '../../electron/engine/aps/signature';

// Independent oracle: the expected values below are computed here with node:crypto from strings written out by
// hand, never with the code under test.
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const sha512 = (s: string) => createHash('sha512').update(s, 'utf8').digest('hex');
const hmac = (alg: 'sha256' | 'sha512', key: string, s: string) => createHmac(alg, key).update(s, 'utf8').digest('hex');

const docPurchase: ApsParams = {
  command: 'PURCHASE',
  merchant_reference: 'Test010',
  amount: '1000',
  access_code: 'SILgpo7pWbmzuURp2qri',
  merchant_identifier: 'MxvOupuG',
  currency: 'USD',
  language: 'en',
  customer_email: 'test@gmail.com',
};

describe('published vectors (aps-api.md section 2)', () => {
  it('doc purchase, SHA-256', () => {
    expect(computeSignature(docPurchase, 'PASS', 'sha256')).toBe(
      '94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882',
    );
  });

  it('merchant page 2.0 tokenization leaves the card fields and remember_me out', () => {
    const params: ApsParams = {
      service_command: 'TOKENIZATION',
      access_code: 'SILgpo7pWbmzuURp2qri',
      merchant_identifier: 'MxvOupuG',
      merchant_reference: 'MyReference0001',
      language: 'en',
      card_security_code: '123',
      card_number: '4005550000000001',
      expiry_date: '2105',
      remember_me: 'YES',
      card_holder_name: 'John Smith',
    };
    expect(computeSignature(params, 'PASS', 'sha256')).toBe(
      '7ee560ccd621da61bfc772f2f1b5849babda768f5ee36d4de67efa88403e4b99',
    );
  });

  const sdkParams: ApsParams = {
    access_code: '43287943278432',
    amount: '1',
    command: 'AUTHORIZATION',
    currency: 'USD',
    customer_email: 'test@aps.com',
    language: 'en',
    merchant_identifier: '343278h432',
    merchant_reference: 'test 2121',
  };

  it('PHP SDK request vector', () => {
    expect(computeSignature(sdkParams, 'test1', 'sha256')).toBe(
      '6b73011e4eda060bbbdf206ad110b5208690b57d9e39bec1a548fe8bf3029439',
    );
  });

  it('PHP SDK response vector verifies with the response phrase, case-insensitively', () => {
    const signed = { ...sdkParams, signature: '916B0C4952B7D072FE6CBE15FAD9B5509660B482AAA952D90096C9094CA87478' };
    expect(verifySignature(signed, 'test2', 'sha256').ok).toBe(true);
    expect(verifySignature(signed, 'test1', 'sha256').ok).toBe(false);
  });
});

describe('derived cases', () => {
  it('signs "0" but leaves out "", null and undefined', () => {
    const params: ApsParams = { b: '0', a: '', c: null, d: undefined, e: 'x' };
    expect(computeSignature(params, 'P', 'sha256')).toBe(sha256('Pb=0e=xP'));
  });

  it('keeps Arabic text, & and quotes literally and hashes UTF-8 bytes', () => {
    const params: ApsParams = { order_description: 'طلب رقم 5 & "هدية"', customer_name: "O'Neil" };
    expect(computeSignature(params, 'ph', 'sha256')).toBe(
      sha256(`phcustomer_name=O'Neilorder_description=طلب رقم 5 & "هدية"ph`),
    );
  });

  it('never trims: trailing and leading spaces are signed', () => {
    const params: ApsParams = { response_message: 'Success ', status: ' 14' };
    expect(computeSignature(params, 'R', 'sha256')).toBe(sha256('Rresponse_message=Success status= 14R'));
    expect(computeSignature(params, 'R', 'sha256')).not.toBe(
      computeSignature({ response_message: 'Success', status: '14' }, 'R', 'sha256'),
    );
  });

  it('sorts by code unit: digits, then capitals, then underscore, then lowercase', () => {
    const params: ApsParams = {
      b: '2',
      '3ds_url': 'u',
      Zed: 'z',
      _x: 'y',
      a: '1',
      apple_paymentMethod: 'm',
      apple_data: 'd',
    };
    expect(signatureBody(params)).toBe('3ds_url=uZed=z_x=ya=1apple_data=dapple_paymentMethod=mb=2');
  });

  it('renders nested Apple Pay objects in received order, lists in brackets', () => {
    const params: ApsParams = {
      digital_wallet: 'APPLE_PAY',
      apple_header: { apple_transactionId: 't1', apple_ephemeralPublicKey: 'k/+=', apple_publicKeyHash: 'h' },
      apple_paymentMethod: { apple_displayName: 'Visa 0492', apple_network: 'Visa', apple_type: 'debit' },
      apple_data: 'ZGF0YQ==',
      apple_signature: 'c2ln',
    };
    const expected =
      'Kapple_data=ZGF0YQ==' +
      'apple_header={apple_transactionId=t1, apple_ephemeralPublicKey=k/+=, apple_publicKeyHash=h}' +
      'apple_paymentMethod={apple_displayName=Visa 0492, apple_network=Visa, apple_type=debit}' +
      'apple_signature=c2lndigital_wallet=APPLE_PAYK';
    expect(computeSignature(params, 'K', 'sha256')).toBe(sha256(expected));
    expect(signatureBody({ z: ['a', 'b'], y: [{ k: '1', j: '' }] })).toBe('y=[{k=1, j=}]z=[a, b]');
  });

  it('SHA-512, HMAC-256 and HMAC-512 wrap the phrase on both ends too', () => {
    const s =
      'PASSaccess_code=SILgpo7pWbmzuURp2qriamount=1000command=PURCHASEcurrency=USDcustomer_email=test@gmail.comlanguage=enmerchant_identifier=MxvOupuGmerchant_reference=Test010PASS';
    expect(computeSignature(docPurchase, 'PASS', 'sha512')).toBe(sha512(s));
    expect(computeSignature(docPurchase, 'PASS', 'hmac256')).toBe(hmac('sha256', 'PASS', s));
    expect(computeSignature(docPurchase, 'PASS', 'hmac512')).toBe(hmac('sha512', 'PASS', s));
  });

  it('tokenization exclusions apply only to TOKENIZATION', () => {
    const purchase: ApsParams = {
      command: 'PURCHASE',
      token_name: 'tok',
      card_security_code: '123',
      remember_me: 'YES',
    };
    expect(signatureBody(purchase)).toBe('card_security_code=123command=PURCHASEremember_me=YEStoken_name=tok');
  });

  it('response verification skips the signature field and the installment list', () => {
    const response: ApsParams = {
      query_command: 'GET_INSTALLMENTS_PLANS',
      installment_detail: [{ issuer_code: 'x' }],
      status: '62',
    };
    const sig = sha256('Rquery_command=GET_INSTALLMENTS_PLANSstatus=62R');
    expect(verifySignature({ ...response, signature: sig }, 'R', 'sha256', { response: true }).ok).toBe(true);
  });

  it('masks the phrase in the printable string', () => {
    const result = verifySignature({ a: '1', signature: 'bad' }, 'SECRETPHRASE', 'sha256');
    expect(result.ok).toBe(false);
    expect(result.maskedString).not.toContain('SECRETPHRASE');
    expect(result.maskedString).toContain('a=1');
  });

  it('compares hex case-insensitively and rejects different lengths', () => {
    expect(signaturesEqual('abcDEF', 'ABCdef')).toBe(true);
    expect(signaturesEqual('abc', 'abcd')).toBe(false);
    expect(signaturesEqual('abc', 'abd')).toBe(false);
  });
});

describe('tokenization answers', () => {
  it('sign the returned card fields, unlike the tokenization request', () => {
    const answer: ApsParams = {
      service_command: 'TOKENIZATION',
      merchant_reference: 'R1',
      card_number: '400555******0001',
      expiry_date: '3005',
      remember_me: 'YES',
      response_code: '18000',
    };
    expect(computeSignature(answer, 'S', 'sha256', { response: true })).toBe(
      sha256(
        'Scard_number=400555******0001expiry_date=3005merchant_reference=R1remember_me=YESresponse_code=18000service_command=TOKENIZATIONS',
      ),
    );
    expect(computeSignature(answer, 'S', 'sha256')).toBe(
      sha256('Smerchant_reference=R1response_code=18000service_command=TOKENIZATIONS'),
    );
  });
});
