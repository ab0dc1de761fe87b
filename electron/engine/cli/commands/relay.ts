import fs from 'node:fs/promises';
import path from 'node:path';
import { splitHostPort } from '../../../../shared/loopback';
import type { TrafficRecord } from '../../../../shared/schema/traffic';
import { CertkitError } from '../../errors';
import { describeRecord, liveLogFile, newRelayId, startRelay, TrafficLogWriter } from '../../relay/index';
import { loadTrustedCertificate } from '../../tls-trust';
import { loadWorkspace } from '../../workspace/workspace';
import { defineCommand, stringOpt } from '../command';
import { secretsFromEnv } from '../env';
import { secretValues } from '../../workspace/secrets';

const USAGE =
  'relay [--listen HOST:PORT] [--upstream URL] [--feedback-to URL [--notification-to URL] [--feedback-repeats N]] [--log FILE] [--workspace DIR] [--timeout MS] [--trust-cert FILE]';

/** "host:port", "[v6]:port", ":port" or "port"; the host defaults to loopback. */
export function parseListen(text: string | undefined): { host: string; port: number } {
  if (text === undefined) return { host: '127.0.0.1', port: 0 };
  const bare = /^:?(\d{1,5})$/.exec(text.trim());
  const split = bare ? { host: '127.0.0.1', port: Number(bare[1]) } : splitHostPort(text);
  if (!split || split.port > 65535)
    throw new CertkitError(`--listen ${text} is not HOST:PORT`, {
      hint: 'e.g. --listen 127.0.0.1:8787, or --listen 0.0.0.0:8787 on a staging server',
    });
  return { host: split.host.replace(/^\[|\]$/g, ''), port: split.port };
}

function positiveInt(args: { values: Record<string, unknown> }, name: string, fallback: number, min = 0): number {
  const text = args.values[name];
  if (typeof text !== 'string') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new CertkitError(`--${name} ${text} is not a whole number${min ? ` of at least ${min}` : ''}`, {
      hint: `certkit ${USAGE}`,
    });
  return n;
}

function httpUrl(text: string, option: string): string {
  try {
    const u = new URL(text);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {
    // Reported below with the option's name.
  }
  throw new CertkitError(`--${option} ${text} is not an http(s) URL`, {
    hint: `give the full URL of your endpoint, e.g. --${option} https://staging.shop.example/aps/feedback`,
  });
}

export const relayCommand = defineCommand({
  name: 'relay',
  summary:
    "Record the merchant server's calls to APS and APS's feedback to the merchant (a logging reverse proxy, headless)",
  usage: USAGE,
  // Calls in flight are answered and logged, and the log closed, before the process ends.
  windsDown: true,
  options: {
    listen: {
      type: 'string',
      description: 'address to listen on, HOST:PORT or PORT (default 127.0.0.1 and a free port)',
    },
    upstream: { type: 'string', description: 'APS base URL the calls go on to (default the APS sandbox)' },
    'feedback-to': { type: 'string', description: "merchant URL that APS's direct feedback is passed on to" },
    'notification-to': {
      type: 'string',
      description: "merchant URL for APS's notification feedback (default: the --feedback-to URL)",
    },
    'feedback-repeats': {
      type: 'string',
      description: "post each feedback N times, to show the merchant's handler is idempotent",
    },
    log: { type: 'string', description: 'NDJSON file the exchanges are appended to' },
    workspace: { type: 'string', description: 'workspace whose traffic/ folder receives the exchanges as they happen' },
    timeout: { type: 'string', description: "milliseconds to wait for the upstream's answer before replying 504" },
    'trust-cert': { type: 'string', description: 'PEM certificate to trust for the upstream (a self-signed sandbox)' },
  },
  async run(args, ctx) {
    const { host, port } = parseListen(stringOpt(args, 'listen'));
    const upstream = stringOpt(args, 'upstream');
    const feedbackText = stringOpt(args, 'feedback-to');
    const notificationText = stringOpt(args, 'notification-to');
    if (notificationText && !feedbackText)
      throw new CertkitError('--notification-to needs --feedback-to', {
        hint: 'give --feedback-to for direct feedback (and notifications, unless --notification-to names another URL)',
      });
    const feedbackTo = feedbackText
      ? {
          direct: httpUrl(feedbackText, 'feedback-to'),
          notification: httpUrl(notificationText ?? feedbackText, notificationText ? 'notification-to' : 'feedback-to'),
        }
      : undefined;
    const timeoutMs = positiveInt(args, 'timeout', 30_000, 1);
    const feedbackRepeats = positiveInt(args, 'feedback-repeats', 1);
    const trust = stringOpt(args, 'trust-cert');
    const ca = trust ? [(await loadTrustedCertificate(path.resolve(ctx.cwd, trust))).cert] : undefined;
    const relayId = newRelayId();

    const files: string[] = [];
    const workspaceText = stringOpt(args, 'workspace');
    if (workspaceText) {
      const dir = path.resolve(ctx.cwd, workspaceText);
      await loadWorkspace(dir);
      files.push(liveLogFile(dir, relayId));
    }
    const logText = stringOpt(args, 'log');
    if (logText) files.push(path.resolve(ctx.cwd, logText));
    if (!files.length) files.push(path.resolve(ctx.cwd, `certkit-relay-${relayId}.ndjson`));

    const secrets = [secretsFromEnv(ctx.env), secretsFromEnv(ctx.env, 'CERTKIT_APPLE_')].flatMap(secretValues);
    const logs: TrafficLogWriter[] = [];
    let started = false;
    try {
      for (const f of files) logs.push(await TrafficLogWriter.open(f));
      const relay = await startRelay({
        host,
        port,
        upstream,
        feedbackTo,
        logs,
        secrets,
        timeoutMs,
        feedbackRepeats,
        ca,
        relayId,
      });
      started = true;
      relay.events.on('record', (r: TrafficRecord) => ctx.stderr.write(`relay: ${describeRecord(r)}\n`));
      // One JSON line first: scripts and CI read it to find the relay's addresses and its log.
      ctx.stdout.write(
        `${JSON.stringify({
          relay: relay.origin,
          relayId,
          ...(relay.paymentApi ? { paymentApi: relay.paymentApi } : {}),
          ...(relay.feedback ? { feedback: relay.feedback } : {}),
          logs: files,
        })}\n`,
      );
      if (relay.paymentApi)
        ctx.stderr.write(`relay: point the merchant's APS API URL at ${relay.paymentApi} (forwarded to ${upstream})\n`);
      if (relay.feedback)
        ctx.stderr.write(
          `relay: APS feedback to ${relay.feedback.direct} and ${relay.feedback.notification} goes on to ${feedbackTo!.direct}` +
            `${feedbackTo!.notification !== feedbackTo!.direct ? ` and ${feedbackTo!.notification}` : ''}; in Technical Settings enter this relay's public https address with these paths (docs/relay.md)\n`,
        );
      if (!ctx.signal.aborted)
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      await relay.close();
      const { exchanges, errors } = relay.counts();
      ctx.stderr.write(
        `relay: ${exchanges} exchange(s) recorded${errors ? `, ${errors} without an answer from the target` : ''}, in ${files.join(' and ')}\n`,
      );
    } finally {
      await Promise.all(logs.map((l) => l.close()));
      // A relay that never started (bad upstream, port in use) leaves no empty log behind to be taken for a record.
      if (!started) await Promise.all(logs.map((l) => removeIfEmpty(l.file)));
    }
    const failed = logs.find((l) => l.error);
    if (failed)
      throw new CertkitError(`the relay log ${failed.file} could not be written: ${failed.error!.message}`, {
        hint: 'free disk space or pick another --log; exchanges after the failure were forwarded but not recorded',
        exitCode: 1,
      });
    return 0;
  },
});

async function removeIfEmpty(file: string): Promise<void> {
  const size = await fs.stat(file).then(
    (st) => st.size,
    () => -1,
  );
  if (size === 0) await fs.rm(file, { force: true });
}
