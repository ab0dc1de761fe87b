import { describe, expect, it } from 'vitest';
import { decodeUtf8, parseJsonText } from '../../electron/engine/read-input';

// The JSON walk decides what is refused before JSON.parse runs, so it must accept exactly what JSON.parse accepts.
const CASES = [
  '{"a":1}',
  '[1,-2.5e3,true,false,null,"s",{"b":[]}]',
  '{"k\\u00e9y":"v\\\\","q":"a\\"b","e":"\\/\\b\\f\\n\\r\\t"}',
  ' \n\t"s"\r\n',
  '{"a":1,}',
  '[1,]',
  '{"a" 1}',
  '{a:1}',
  '{"a": tru}',
  '"abc',
  '"a\\x"',
  '"x\\u12"',
  '"tab\there"',
  '01',
  '1.',
  '-',
  '.5',
  '{"a":1} x',
  '[1,2',
  '',
  '\u001b[31m{}',
];

describe('the bounded JSON reader', () => {
  it('accepts and refuses exactly what JSON.parse does, with the same values', () => {
    for (const text of CASES) {
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      if (valid) expect(parseJsonText(text, { what: 'x' }), text).toEqual(expected);
      else
        expect(() => parseJsonText(text, { what: 'x' }), text).toThrow(
          /^x is not valid JSON: .* at line \d+, column \d+$/,
        );
    }
  });

  it('points at the line and column of a fault without quoting the text', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n}', { what: 'f.json' })).toThrow(
      'f.json is not valid JSON: a property name in double quotes was expected (a trailing comma is the usual cause) at line 3, column 1',
    );
  });

  it('refuses nesting past the limit, and takes a BOM', () => {
    expect(() => parseJsonText(`${'['.repeat(65)}${']'.repeat(65)}`, { what: 'x' })).toThrow(
      /nested more than 64 deep/,
    );
    expect(parseJsonText(`${'['.repeat(64)}${']'.repeat(64)}`, { what: 'x' })).toBeDefined();
    expect(parseJsonText('\ufeff{"a":1}', { what: 'x' })).toEqual({ a: 1 });
  });

  it('decodes UTF-8 strictly and names the first bad byte', () => {
    expect(decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xc3, 0xa9]), { what: 'x' })).toBe('Aé');
    expect(() => decodeUtf8(Buffer.from('{\n"a":"\xe9"}', 'latin1'), { what: 'x' })).toThrow(
      'x is not UTF-8 text: byte 7 (line 2) is not valid UTF-8',
    );
    expect(() => decodeUtf8(Buffer.from([0x41, 0xe2, 0x82]), { what: 'x' })).toThrow(
      /ends in the middle of a character/,
    );
  });
});
