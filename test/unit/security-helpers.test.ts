import { describe, expect, it } from 'vitest';
import { isMaskedPan, isPan, looksLikeCardNumber, luhnValid, maskCardNumbersIn, maskPan } from '../../shared/card';
import { escapeHtml, unescapeHtml } from '../../shared/html';
import { isLoopbackHost, splitHostPort } from '../../shared/loopback';
import { hostAllowed } from '../../electron/engine/host/security';
import { createRedactor, SECRET_MARKER } from '../../electron/engine/redact/index';

describe('card numbers', () => {
  it('checks Luhn, and takes only all-digit 12-19 digit numbers as PANs', () => {
    expect(luhnValid('4005550000000001')).toBe(true);
    expect(luhnValid('4005550000000002')).toBe(false);
    expect(luhnValid('4005 5500 0000 0001')).toBe(false);
    expect(isPan('345678901234564')).toBe(true);
    expect(isPan('00000000000')).toBe(false);
    expect(isPan('00000000000000000000')).toBe(false);
  });

  it('masks first 6 + last 4, and a number too short for that in full', () => {
    expect(maskPan('4005550000000001')).toBe('400555******0001');
    expect(maskPan('5297-4125-4200-5689')).toBe('529741******5689');
    expect(maskPan('123456789012')).toBe('123456**9012');
    expect(maskPan('12345678901')).toBe('***********');
    expect(maskPan('{{card.number}}x')).toBe('****************');
    expect(isMaskedPan('400555******0001')).toBe(true);
    expect(isMaskedPan('4005550000000001')).toBe(false);
  });

  it('finds card numbers in text by range and Luhn, leaving ids, phones and kept values', () => {
    expect(looksLikeCardNumber('4557 0123 4567 8902')).toBe(true);
    expect(looksLikeCardNumber('9665012345678')).toBe(false);
    expect(maskCardNumbersIn('pay 4005550000000001, ref 4111111111111111', new Set(['4111111111111111']))).toBe(
      'pay 400555******0001, ref 4111111111111111',
    );
    expect(maskCardNumbersIn('knet 510000123456 fort 169996200000541234')).toBe(
      'knet 510000123456 fort 169996200000541234',
    );
    // A hex signature with a Luhn-valid digit run inside stays whole (a real SHA-256 the redactor used to cut).
    const signature = 'f0b538dc4109d7090e7b5a2823edd39b496fa4005550000000001b75a39f4567e078aa';
    expect(maskCardNumbersIn(signature)).toBe(signature);
    expect(maskCardNumbersIn('card=4005550000000001&x=1')).toBe('card=400555******0001&x=1');
  });
});

describe('HTML escaping', () => {
  it('escapes the five characters and reads them back', () => {
    const raw = `<a href="x?a=1&b='2'">`;
    expect(escapeHtml(raw)).toBe('&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;');
    expect(unescapeHtml(escapeHtml(raw))).toBe(raw);
    expect(unescapeHtml('&amp;lt;')).toBe('&lt;');
  });
});

describe('loopback', () => {
  it('knows localhost, 127/8 and ::1 in every spelling, and nothing else', () => {
    for (const h of ['localhost', 'LOCALHOST.', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1'])
      expect(isLoopbackHost(h), h).toBe(true);
    expect(isLoopbackHost(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe(true);
    for (const h of ['10.0.0.1', '127.evil.example', 'localhost.evil.example', 'app.localhost', '::2', ''])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('accepts a Host header only for a loopback name on our port', () => {
    expect(splitHostPort('[::1]:8080')).toEqual({ host: '[::1]', port: 8080 });
    expect(hostAllowed('127.0.0.1:8080', 8080)).toBe(true);
    expect(hostAllowed('Localhost:8080', 8080)).toBe(true);
    expect(hostAllowed('[::1]:8080', 8080)).toBe(true);
    expect(hostAllowed('127.0.0.1:8081', 8080)).toBe(false);
    expect(hostAllowed('127.0.0.1', 8080)).toBe(false);
    expect(hostAllowed('evil.example:8080', 8080)).toBe(false);
    expect(hostAllowed(undefined, 8080)).toBe(false);
  });
});

describe('redactor', () => {
  const phrase = "Req Phrase!(x)*'y";
  const r = createRedactor([phrase, 'abc'], ['169996200000541234']);

  it('removes a secret as written, URL-encoded and form-encoded, and ignores values too short to be one', () => {
    const form = new URLSearchParams({ p: phrase }).toString();
    for (const copy of [phrase, encodeURIComponent(phrase), form]) {
      const out = r.text(`before ${copy} after`);
      expect(out, copy).toContain(SECRET_MARKER);
      expect(out, copy).not.toMatch(/Phrase/);
    }
    expect(r.text('abcdef')).toBe('abcdef');
    expect(r.secrets).toEqual([phrase]);
  });

  it('blanks credentials, drops what the customer types, masks any value of a card field', () => {
    const out = r.fields({
      access_code: 'whatever',
      sha_request_phrase: '',
      otp: '123456',
      pin: '1234',
      '3ds_password': '1234',
      card_number: '4111 1111',
      card: 12345678901234,
      items: [{ cvv: '123', note: 'card 5297412542005689' }],
    });
    expect(out).toEqual({
      access_code: SECRET_MARKER,
      sha_request_phrase: '',
      card_number: '********',
      card: '123456****1234',
      items: [{ note: 'card 529741******5689' }],
    });
  });

  it('redacts query fields of URLs by name, nested return URLs too, and leaves other URLs as written', () => {
    const url = `https://aps.example/p?access_code=zz&card_number=4005550000000001&return_url=${encodeURIComponent('https://shop.example/r?cvv=123&ok=1')}&merchant_reference=4111111111111111`;
    const out = r.url(url);
    expect(out).not.toMatch(/zz|4005550000000001|cvv/);
    expect(out).toContain('merchant_reference=4111111111111111');
    expect(out).toContain('card_number=400555******0001');
    expect(r.url('https://shop.example/a?b=c%20d#x')).toBe('https://shop.example/a?b=c%20d#x');
    expect(r.url('/relative?card_number=4005550000000001')).toBe('/relative?card_number=400555******0001');
  });
});
