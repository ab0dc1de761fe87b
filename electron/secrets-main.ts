import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import type { SecretStore } from './engine/api/context';
import { CertkitError } from './engine/errors';
import { writeFileAtomic } from './engine/util/atomic-write';
import type { MerchantSecrets } from './engine/workspace/secrets';

/**
 * Secrets encrypted with the OS keychain (safeStorage) in the app's own data folder, keyed by workspace folder.
 * On Linux without a keyring safeStorage falls back to a hard-coded key ("basic_text"); that is not protection,
 * so it is refused rather than used quietly.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(
    private readonly safeStorage: Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
      getSelectedStorageBackend?: () => string;
    },
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  #ensureUsable(): void {
    if (this.platform === 'linux' && this.safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
      throw new CertkitError(
        'no keyring is available, so Certkit will not store credentials: they would sit on disk with a fixed, public key',
        {
          hint: 'install and unlock GNOME Keyring or KWallet (or start Certkit with --password-store=gnome-libsecret), or use the CLI with CERTKIT_* environment variables',
        },
      );
    }
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new CertkitError('the operating system keychain is not available', {
        hint: 'unlock your keychain and try again, or use the CLI with CERTKIT_* environment variables',
      });
    }
  }

  async #readAll(): Promise<Record<string, string>> {
    const raw = await fs.readFile(this.file, 'utf8').then(JSON.parse, () => ({}));
    return raw && typeof raw === 'object' ? (raw as Record<string, string>) : {};
  }

  async read(dir: string): Promise<Partial<MerchantSecrets>> {
    const blob = (await this.#readAll())[path.resolve(dir)];
    if (!blob) return {};
    this.#ensureUsable();
    return JSON.parse(this.safeStorage.decryptString(Buffer.from(blob, 'base64'))) as Partial<MerchantSecrets>;
  }

  async write(dir: string, secrets: Partial<MerchantSecrets>): Promise<void> {
    this.#ensureUsable();
    const all = await this.#readAll();
    const merged = { ...(await this.read(dir)), ...secrets };
    all[path.resolve(dir)] = this.safeStorage.encryptString(JSON.stringify(merged)).toString('base64');
    await writeFileAtomic(this.file, JSON.stringify(all, null, 2));
  }
}
