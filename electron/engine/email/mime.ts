import { randomBytes } from 'node:crypto';

// A minimal RFC 5322/2045 writer: one UTF-8 text part and base64 attachments. Enough for every mail client to
// open the draft (X-Unsent marks it as one for Outlook), with nothing to install.

export interface MimeAttachment {
  filename: string;
  contentType: string;
  data: Buffer;
}

export function encodeHeaderWord(value: string): string {
  // Non-ASCII subjects (an Arabic account name) go as RFC 2047 encoded words, cut so no line runs past 76 columns.
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** Bytes an attachment takes inside the message (base64 with line breaks). */
export function encodedSize(bytes: number): number {
  const b64 = Math.ceil(bytes / 3) * 4;
  return b64 + Math.ceil(b64 / 76) * 2;
}

function quotedFilename(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '_')}"` : `"${encodeHeaderWord(name)}"`;
}

export function buildEml(opts: {
  to: string;
  subject: string;
  text: string;
  date?: Date;
  attachments?: MimeAttachment[];
}): Buffer {
  const boundary = `certkit-${randomBytes(12).toString('hex')}`;
  const head = [
    `To: ${opts.to}`,
    `Subject: ${encodeHeaderWord(opts.subject)}`,
    `Date: ${(opts.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(10).toString('hex')}@certkit.local>`,
    'X-Unsent: 1',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ];
  const parts: string[] = [];
  parts.push(
    [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(Buffer.from(opts.text.replace(/\r?\n/g, '\r\n'))),
    ].join('\r\n'),
  );
  for (const a of opts.attachments ?? []) {
    parts.push(
      [
        `--${boundary}`,
        `Content-Type: ${a.contentType}; name=${quotedFilename(a.filename)}`,
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment; filename=${quotedFilename(a.filename)}`,
        '',
        base64Lines(a.data),
      ].join('\r\n'),
    );
  }
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${parts.join('\r\n')}\r\n--${boundary}--\r\n`);
}
