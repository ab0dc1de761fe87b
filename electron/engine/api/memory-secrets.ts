import type { MerchantSecrets } from '../workspace/secrets';
import type { SecretStore } from './context';

/**
 * The browser host keeps secrets in this process's memory only: a browser tab has no keychain, and writing them
 * anywhere would put them on disk. They are gone when the host stops; the UI says so.
 */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  readonly #byDir = new Map<string, Partial<MerchantSecrets>>();

  async read(dir: string): Promise<Partial<MerchantSecrets>> {
    return { ...(this.#byDir.get(dir) ?? {}) };
  }

  async write(dir: string, secrets: Partial<MerchantSecrets>): Promise<void> {
    this.#byDir.set(dir, { ...(this.#byDir.get(dir) ?? {}), ...secrets });
  }
}
