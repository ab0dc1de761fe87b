import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFaults, startSandbox, type SimulatorConfig } from '../../sandbox';
import { CertkitError } from '../../errors';
import { defineCommand, stringOpt } from '../command';

async function readConfig(file: string, cwd: string): Promise<Partial<SimulatorConfig>> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new CertkitError(
      `cannot read sandbox config ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      {
        hint: 'pass --config with the path of a JSON file of simulator settings (see docs/demo-store.md)',
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CertkitError(`sandbox config ${full} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix the JSON syntax',
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CertkitError(`sandbox config ${full} must hold one JSON object`, { hint: 'e.g. {"sha_type": "sha512"}' });
  }
  return value as Partial<SimulatorConfig>;
}

export const sandboxCommand = defineCommand({
  name: 'sandbox',
  summary: 'Run the APS sandbox simulator and the demo merchant store on loopback',
  usage: 'sandbox [--port N] [--config FILE] [--faults a,b] [--persist FILE] [--https [--tls-dir DIR]]',
  windsDown: true,
  options: {
    port: { type: 'string', description: 'port of the simulator (0 or none: a free one); the store gets its own' },
    config: { type: 'string', description: 'JSON file of simulator settings (docs/simulator.md)' },
    faults: { type: 'string', description: 'comma-separated demo-store mistakes to switch on (docs/demo-store.md)' },
    persist: { type: 'string', description: 'file to keep the simulator state in across restarts' },
    https: { type: 'boolean', description: 'serve over TLS with a self-signed certificate made at start' },
    'tls-dir': { type: 'string', description: 'with --https: folder to write the certificate and key into' },
  },
  async run(args, ctx) {
    const portText = stringOpt(args, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CertkitError(`--port ${portText} is not a port number`, { hint: 'use 0-65535 (0 picks a free port)' });
    }
    const configFile = stringOpt(args, 'config');
    const config = configFile ? await readConfig(configFile, ctx.cwd) : undefined;
    const storeFaults = parseFaults(stringOpt(args, 'faults'), '--faults');
    const persist = stringOpt(args, 'persist');
    const tlsDir = stringOpt(args, 'tls-dir');
    if (tlsDir && !args.values.https)
      throw new CertkitError('--tls-dir is for --https', { hint: 'add --https, or leave out --tls-dir' });
    const sb = await startSandbox({
      port,
      config,
      storeFaults,
      persistFile: persist ? path.resolve(ctx.cwd, persist) : undefined,
      https: !!args.values.https,
      tlsDir: tlsDir ? path.resolve(ctx.cwd, tlsDir) : undefined,
    });
    const cert = sb.certificate;
    // Exactly one JSON line first: scripts read it to find the servers and the sandbox's own test credentials.
    ctx.stdout.write(
      `${JSON.stringify({
        paymentPage: sb.paymentPage,
        paymentApi: sb.paymentApi,
        store: sb.store,
        merchant: sb.merchant,
        applePay: sb.applePay,
        ...(cert ? { certificate: { path: cert.certPath, sha256: cert.sha256, spki: cert.spki } } : {}),
      })}\n`,
    );
    if (cert) {
      ctx.stderr.write(
        `https: self-signed certificate ${cert.certPath}\n  SHA-256 ${cert.sha256}\n` +
          `  trust it for this sandbox only, e.g. curl --cacert ${cert.certPath}, or certkit run --trust-cert ${cert.certPath}\n`,
      );
    }
    if (!ctx.signal.aborted)
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    await sb.close();
    return 0;
  },
});
