import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { CertkitError } from './errors';

/** A certificate Certkit is told to trust for a few origins only (the sandbox's self-signed one). */
export interface TrustedCertificate {
  /** The certificate, PEM. */
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex, as browsers and openssl print it. */
  sha256: string;
  /** base64 SHA-256 of its public key (SubjectPublicKeyInfo): the form Chromium's allow-list takes. */
  spki: string;
}

export function describeCertificate(pem: string): TrustedCertificate {
  const x = new X509Certificate(pem);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  return { cert: pem, sha256: x.fingerprint256, spki: createHash('sha256').update(spki).digest('base64') };
}

export async function loadTrustedCertificate(file: string): Promise<TrustedCertificate> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    throw new CertkitError(`cannot read the certificate ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, {
      hint: 'give the certificate path `certkit sandbox --https` printed (certificate.path in its JSON line)',
    });
  }
  try {
    return describeCertificate(pem);
  } catch (err) {
    throw new CertkitError(`${file} is not a PEM certificate: ${(err as Error).message}`, {
      hint: 'give the .pem file `certkit sandbox --https` wrote, not its key or another file',
    });
  }
}

/**
 * Chromium accepts a certificate whose public key is on this list despite its errors (here: a self-signed issuer).
 * Unlike --ignore-certificate-errors or puppeteer's acceptInsecureCerts, every other certificate is checked as usual,
 * and only the sandbox holds the matching private key.
 */
export function chromiumTrustArgs(certs: readonly TrustedCertificate[]): string[] {
  return certs.length ? [`--ignore-certificate-errors-spki-list=${certs.map((c) => c.spki).join(',')}`] : [];
}

function originKey(origin: string | URL): string {
  const u = typeof origin === 'string' ? new URL(origin) : origin;
  return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * Node's fetch: requests to a trusted origin go through an agent that accepts that origin's certificate; every other
 * request goes to the dispatcher that was there before, unchanged.
 */
class ScopedTrust extends Dispatcher {
  readonly agents = new Map<string, Agent>();
  constructor(
    readonly fallback: Dispatcher,
    readonly trusted: Map<string, { cert: string; count: number }>,
  ) {
    super();
  }

  private agentFor(cert: string): Agent {
    let agent = this.agents.get(cert);
    if (!agent) {
      agent = new Agent({ connect: { ca: cert } });
      this.agents.set(cert, agent);
    }
    return agent;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    const entry = options.origin ? this.trusted.get(originKey(options.origin)) : undefined;
    return (entry ? this.agentFor(entry.cert) : this.fallback).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.close()));
  }

  override async destroy(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.destroy()));
  }
}

const trusted = new Map<string, { cert: string; count: number }>();
let installed: ScopedTrust | undefined;

/**
 * Trusts `cert` for exactly these origins (scheme, host and port) in this process's fetch calls, until the returned
 * function is called. Origins may be registered more than once; the last release restores the previous dispatcher.
 */
export function trustOrigins(cert: TrustedCertificate, origins: readonly string[]): () => void {
  const keys = [...new Set(origins.filter((o) => new URL(o).protocol === 'https:').map((o) => originKey(o)))];
  const taken = keys.find((key) => trusted.has(key) && trusted.get(key)!.cert !== cert.cert);
  if (taken)
    throw new CertkitError(`${taken} is already trusted with another certificate`, {
      hint: 'stop the other sandbox on that address first',
    });
  for (const key of keys) trusted.set(key, { cert: cert.cert, count: (trusted.get(key)?.count ?? 0) + 1 });
  if (keys.length && !installed) {
    installed = new ScopedTrust(getGlobalDispatcher(), trusted);
    setGlobalDispatcher(installed);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const key of keys) {
      const entry = trusted.get(key);
      if (entry && --entry.count <= 0) trusted.delete(key);
    }
    if (!trusted.size && installed) {
      setGlobalDispatcher(installed.fallback);
      void installed.close();
      installed = undefined;
    }
  };
}
