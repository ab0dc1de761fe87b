import type { MerchantSecrets } from '../workspace/secrets';
import type { ApiHost } from './context';

/** The workspace's secrets as the engines take them, or undefined when none were given. */
export async function secretsFor(host: ApiHost, dir: string): Promise<MerchantSecrets | undefined> {
  const s = await host.secrets.read(dir);
  if (!s.accessCode && !s.requestPhrase && !s.responsePhrase) return undefined;
  return { shaType: 'sha256', ...s };
}
