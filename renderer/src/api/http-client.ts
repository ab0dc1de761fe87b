import type { CertkitApi } from '../../../shared/api/contract';
import { groupedApi } from '../../../shared/api/client';
import type { EventName } from '../../../shared/api/names';
import { ApiCallError, unwrapReply } from '../../../shared/api/reply';
import { both } from '../../../shared/text';

/** Reads the per-launch token from the address fragment once, then drops it from the address bar. */
export function takeToken(loc: Location = window.location, store: Storage = window.sessionStorage): string | undefined {
  const m = /(?:^#|&)token=([^&]+)/.exec(loc.hash);
  if (m) {
    store.setItem('certkit.token', m[1]);
    history.replaceState(null, '', loc.pathname + loc.search);
    return m[1];
  }
  return store.getItem('certkit.token') ?? undefined;
}

type Listener = (payload: unknown) => void;

/** Parses a server-sent event stream read with fetch (EventSource cannot send the Authorization header). */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  deliver: (event: string, data: unknown) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      if (data.length) deliver(event, JSON.parse(data.join('\n')));
    }
  }
}

/** The browser host's client: same interface as window.certkit, over POST /api/<call> and an SSE stream. */
export function httpApi(token: string, base = ''): CertkitApi {
  const listeners = new Map<string, Set<Listener>>();
  let streaming = false;
  const headers = { authorization: `Bearer ${token}` };

  const connect = async (): Promise<void> => {
    if (streaming) return;
    streaming = true;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${base}/api/events`, { headers });
        if (res.status === 401) return;
        if (res.body) {
          attempt = 0;
          await readEventStream(res.body, (event, data) => listeners.get(event)?.forEach((cb) => cb(data)));
        }
      } catch {
        // The host went away or restarted; retry with back-off so a brief restart is invisible.
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  };

  return groupedApi(
    async (name, input) => {
      let res: Response;
      try {
        res = await fetch(`${base}/api/${name}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch (err) {
        throw new ApiCallError(name, {
          message: `${name} failed: the Certkit host did not answer (${err instanceof Error ? err.message : String(err)})`,
          hint: 'check that `certkit app` is still running, then reload this page',
          code: 'transport',
          ar: {
            message: `تعذّر ${name}: لم يُجب مضيف Certkit (${err instanceof Error ? err.message : String(err)})`,
            hint: 'تحقّق من أن `certkit app` ما زال يعمل، ثم أعد تحميل هذه الصفحة',
          },
        });
      }
      const text = await res.text();
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        // Not JSON: no envelope to read; unwrapReply names the HTTP status instead.
      }
      return unwrapReply(
        name,
        reply,
        both(`HTTP ${res.status} without a Certkit reply`, `HTTP ${res.status} بلا ردّ من Certkit`),
      );
    },
    (event: EventName, cb) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(cb);
      void connect();
      return () => set.delete(cb);
    },
  );
}
