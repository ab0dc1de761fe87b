import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxCommand } from '../../electron/engine/cli/commands/sandbox';
import { CertkitError } from '../../electron/engine/errors';
import { cliContext } from '../helpers/cli';
import { removeTempDirs, tempDir } from '../helpers/tmp';

afterAll(removeTempDirs);

describe('certkit sandbox', () => {
  it('prints exactly one JSON line with the servers and the configured credentials, serves, and stops on abort', async () => {
    const { dir } = tempDir('ck-cli-');
    writeFileSync(
      path.join(dir, 'sim.json'),
      JSON.stringify({ merchant_identifier: 'ShopCli01', sha_type: 'SHA-512' }),
    );
    const { ctx, stdout, firstLine, stop } = cliContext({ cwd: dir });
    const running = sandboxCommand.run({ values: { config: 'sim.json' }, positionals: [] }, ctx);
    const line = JSON.parse(await firstLine) as Record<string, any>;
    expect(Object.keys(line)).toEqual(['paymentPage', 'paymentApi', 'store', 'merchant', 'applePay']);
    expect(line.applePay).toEqual({
      access_code: 'CkApplePayAccess0123',
      sha_request_phrase: 'ck-apple-request',
      sha_response_phrase: 'ck-apple-response',
      sha_type: 'sha256',
    });
    expect(line.merchant).toMatchObject({ merchant_identifier: 'ShopCli01', sha_type: 'sha512' });
    expect(Object.keys(line.merchant).sort()).toEqual([
      'access_code',
      'merchant_identifier',
      'sha_request_phrase',
      'sha_response_phrase',
      'sha_type',
    ]);
    expect((await fetch(line.store)).status).toBe(200);
    expect(line.paymentPage).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/FortAPI\/paymentPage$/);
    stop();
    expect(await running).toBe(0);
    expect(stdout().trim().split('\n')).toHaveLength(1);
    await expect(fetch(line.store)).rejects.toThrow();
  });

  it('with --https prints https URLs and the certificate, which this process trusts for the sandbox only', async () => {
    const { dir } = tempDir('ck-cli-');
    const { ctx, firstLine, stop } = cliContext({ cwd: dir });
    const running = sandboxCommand.run({ values: { https: true, 'tls-dir': 'tls' }, positionals: [] }, ctx);
    const line = JSON.parse(await firstLine) as Record<string, any>;
    expect(line.paymentApi).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/FortAPI\/paymentApi$/);
    expect(line.store).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(line.certificate.path).toBe(path.join(dir, 'tls', 'certkit-sandbox.pem'));
    const pem = readFileSync(line.certificate.path, 'utf8');
    expect(line.certificate.sha256).toBe(new X509Certificate(pem).fingerprint256);
    expect(pem).not.toContain('PRIVATE KEY');
    expect((await fetch(line.store)).status).toBe(200);
    const health = await fetch(new URL('/__certkit/health', line.paymentApi));
    expect(await health.json()).toEqual({ ok: true });
    stop();
    expect(await running).toBe(0);
    // Closed with the command; the certificate folder given with --tls-dir stays.
    await expect(fetch(line.store)).rejects.toThrow();
    expect(readFileSync(line.certificate.path, 'utf8')).toBe(pem);
  });

  it('names a bad config setting and the fix', async () => {
    const { dir } = tempDir('ck-cli-');
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ sha_type: 'md5' }));
    const { ctx } = cliContext({ cwd: dir });
    const err = await sandboxCommand
      .run({ values: { config: 'bad.json' }, positionals: [] }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CertkitError);
    expect((err as CertkitError).message).toContain('sha_type');
    expect((err as CertkitError).exitCode).toBe(2);
    const missing = await sandboxCommand
      .run({ values: { config: 'nope.json' }, positionals: [] }, ctx)
      .catch((e: unknown) => e);
    expect((missing as CertkitError).message).toContain('nope.json');
  });
});
