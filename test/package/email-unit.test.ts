import { promises as fs } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSignoffEmail } from '../../electron/engine/email/index';
import { buildEml } from '../../electron/engine/email/mime';
import { createRedactor, SECRET_MARKER } from '../../electron/engine/redact/index';
import { makeWorkspace, writeEvidence } from './fixtures';
import { removeTempDirs, tempDir } from '../helpers/tmp';

afterAll(removeTempDirs);

describe('sign-off email without a package', () => {
  it('encodes an Arabic account name in the subject and says what is missing', async () => {
    const ws = tempDir('certkit-pkg-').dir;
    await makeWorkspace(ws, {
      account: { name: 'متجر وردة الصحراء', environment: 'sandbox' },
      methods: ['VISA', 'KNET'],
    });
    await writeEvidence(ws, { scenarios: ['card-non3ds-success', 'knet-success'], methods: ['VISA', 'KNET'] });
    const email = await writeSignoffEmail(ws);
    expect(email.subject).toBe('Integration Sign-off - متجر وردة الصحراء');
    const raw = await fs.readFile(email.emlPath);
    expect(/^[\x00-\x7f]*$/.test(raw.toString('latin1'))).toBe(true);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(email.subject);
    expect(mail.attachments).toHaveLength(0);
    expect(mail.text).toContain('No package built yet');
    expect(mail.text).toContain('KNET declined transaction: merchant reference (not captured) [not run]');
    expect(decodeURIComponent(email.mailto)).toContain('subject=Integration Sign-off - متجر وردة الصحراء');
  });
});

describe('mime writer', () => {
  it('round-trips binary attachments byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const eml = buildEml({
      to: 'integration-ps@amazon.com',
      subject: 'x',
      text: 'body\nline two',
      attachments: [{ filename: 'a.zip', contentType: 'application/zip', data }],
    });
    const mail = await simpleParser(eml);
    expect(mail.attachments[0].content.equals(data)).toBe(true);
    expect(mail.text?.trim()).toBe('body\nline two');
  });
});

describe('redactor', () => {
  const r = createRedactor(['S3cretPhrase!'], ['169996200000541234']);
  it('masks Luhn-valid card numbers, keeps ledger ids and non-card digit runs', () => {
    expect(r.text('card 4005550000000001 ok')).toBe('card 400555******0001 ok');
    expect(r.text('mada 5297-4125-4200-5689')).toBe('mada 529741******5689');
    expect(r.text('fort 169996200000541234')).toBe('fort 169996200000541234');
    expect(r.text('phone 9665012345678')).toBe('phone 9665012345678');
    expect(r.text('x=S3cretPhrase%21&y')).toBe('x=[secret removed]&y');
  });
  it('removes secret fields and masks card fields in nested objects', () => {
    const out = r.deep({
      access_code: 'abc',
      nested: { card_number: '4557012345678902', cvv: '123', note: 'S3cretPhrase!' },
    });
    expect(out).toEqual({
      access_code: SECRET_MARKER,
      nested: { card_number: '455701******8902', note: SECRET_MARKER },
    });
  });
});
