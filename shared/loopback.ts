// Whether a host is this machine's loopback, asked by the simulator (https return_urls it may deliver over http), the
// browser host (which Host headers it answers) and the verifier and runner (is the shop public, what address does the
// browser come from). One answer, so the three cannot disagree about what "local" means.

/**
 * `localhost`, 127.0.0.0/8 and ::1, in any of the spellings a URL or a Host header gives them: bracketed IPv6,
 * upper case, a trailing dot, the long IPv6 form, or IPv4 mapped into IPv6 (`::ffff:127.0.0.1`, which the URL
 * parser rewrites to `::ffff:7f00:1`). Other names under .localhost are not counted: outside the browsers that pin
 * them, a resolver may send them to the network.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  if (h === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(h)) return true;
  const mapped = /^::ffff:(.+)$/.exec(h)?.[1];
  if (mapped) return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(mapped) || /^7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(mapped);
  return false;
}

/** Splits a Host header (`name:port`, `[v6]:port`) into its name and port; undefined when it has no port. */
export function splitHostPort(hostHeader: string): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(hostHeader.trim());
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}
