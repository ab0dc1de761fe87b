import http from 'node:http';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../electron/engine/sandbox/certificate';
import { acceptTls, closeServer, listen, serverAt } from '../../electron/engine/sandbox/http';
import { chromiumTrustArgs, describeCertificate, trustOrigins } from '../../electron/engine/tls-trust';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function httpsServer(credentials: { key: string; cert: string }): Promise<string> {
  const server = https.createServer(credentials, (req, res) => res.end(`ok ${req.url}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function refusal(url: string): Promise<string | undefined> {
  try {
    await fetch(url);
    return undefined;
  } catch (err) {
    return ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

describe('sandbox certificate', () => {
  it('is a self-signed X.509 v3 certificate for the loopback names, for server authentication', () => {
    const { cert } = makeCertificate(['localhost', '127.0.0.1', '::1']);
    const x = new X509Certificate(cert);
    expect(x.subject).toBe(x.issuer);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const d = describeCertificate(cert);
    expect(d.sha256).toBe(x.fingerprint256);
    expect(Buffer.from(d.spki, 'base64')).toHaveLength(32);
    expect(chromiumTrustArgs([d])).toEqual([`--ignore-certificate-errors-spki-list=${d.spki}`]);
  });

  it('is trusted by fetch for the registered origins only, and no longer once released', async () => {
    const credentials = makeCertificate(['localhost', '127.0.0.1']);
    const origin = await httpsServer(credentials);
    const sameServerOtherName = origin.replace('127.0.0.1', 'localhost');
    const trust = describeCertificate(credentials.cert);
    expect(await refusal(origin)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const release = trustOrigins(trust, [origin]);
    cleanup.push(release);
    expect(await (await fetch(`${origin}/a`)).text()).toBe('ok /a');
    expect(await refusal(`${sameServerOtherName}/b`)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    // A second holder of the same origin keeps it trusted until it releases too.
    const again = trustOrigins(trust, [origin]);
    release();
    expect(await (await fetch(`${origin}/c`)).text()).toBe('ok /c');
    again();
    expect(await refusal(`${origin}/d`)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('refuses to trust one origin with two certificates', async () => {
    const a = describeCertificate(makeCertificate(['127.0.0.1']).cert);
    const b = describeCertificate(makeCertificate(['127.0.0.1']).cert);
    const release = trustOrigins(a, ['https://127.0.0.1:9']);
    cleanup.push(release);
    expect(() => trustOrigins(b, ['https://127.0.0.1:9'])).toThrow(/already trusted/);
  });

  it('lets a plain http server answer TLS on the same port (the demo store under --https)', async () => {
    const credentials = makeCertificate(['127.0.0.1']);
    const server = http.createServer((req, res) =>
      res.end(
        `${(req.socket as { encrypted?: boolean }).encrypted ? 'tls' : 'plain'} from ${req.socket.remoteAddress}`,
      ),
    );
    const port = await listen(server, '127.0.0.1', 0);
    cleanup.push(() => closeServer(server));
    expect(serverAt(`http://127.0.0.1:${port}`)).toBe(server);
    acceptTls(server, credentials);
    cleanup.push(trustOrigins(describeCertificate(credentials.cert), [`https://127.0.0.1:${port}`]));
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('plain from 127.0.0.1');
    expect(await (await fetch(`https://127.0.0.1:${port}/`)).text()).toBe('tls from 127.0.0.1');
  });
});
