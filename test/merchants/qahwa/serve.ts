// Runs Bayt Al Qahwa on its own, for trying the relay by hand (docs/relay.md):
//   node electron/bin/certkit.mjs sandbox --port 4200 --config feedback.json > /tmp/sandbox.json &
//   node electron/bin/certkit.mjs relay --listen 127.0.0.1:4300 --upstream http://127.0.0.1:4200 \
//     --feedback-to http://127.0.0.1:4100/aps/feedback --workspace ws &
//   npx tsx test/merchants/qahwa/serve.ts --sandbox /tmp/sandbox.json --api http://127.0.0.1:4300/FortAPI/paymentApi
// (feedback.json: {"direct_feedback_url": "http://127.0.0.1:4300/feedback/direct",
//                  "notification_feedback_url": "http://127.0.0.1:4300/feedback/notification"})
import { readFileSync } from 'node:fs';
import { QAHWA_FAULTS, startQahwa, type QahwaFault } from './server';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = opt('--sandbox');
if (!file) {
  console.error(
    `usage: serve.ts --sandbox <certkit sandbox output> [--api URL] [--port N] [--faults ${QAHWA_FAULTS.join(',')}]`,
  );
  process.exit(2);
}
const sandbox = JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[0]) as {
  paymentPage: string;
  paymentApi: string;
  merchant: {
    merchant_identifier: string;
    access_code: string;
    sha_request_phrase: string;
    sha_response_phrase: string;
    sha_type: 'sha256' | 'sha512' | 'hmac256' | 'hmac512';
  };
};
const faults = (opt('--faults') ?? '').split(',').filter(Boolean) as QahwaFault[];
const shop = await startQahwa({
  paymentPage: sandbox.paymentPage,
  paymentApi: opt('--api') ?? sandbox.paymentApi,
  port: Number(opt('--port') ?? 4100),
  faults,
  merchant: sandbox.merchant,
});
console.log(
  JSON.stringify({ shop: `${shop.origin}/`, returnUrl: shop.returnUrl, feedbackUrl: shop.feedbackUrl, faults }),
);
const stop = () => void shop.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
