// Runs Souq Al Oud on its own, for trying Certkit on it by hand:
//   node electron/bin/certkit.mjs sandbox --port 4200 > /tmp/sandbox.json &
//   npx tsx test/merchants/souq/serve.ts --sandbox /tmp/sandbox.json [--port 4100] [--faults a,b]
// --sandbox reads the JSON line `certkit sandbox` prints (APS origin and its test merchant). The recordings in
// test/fixtures/recordings/souq were made with the shop on port 4100 and APS on 4200, so those ports let them be
// imported unchanged.
import { readFileSync } from 'node:fs';
import { SOUQ_FAULTS } from './faults';
import { startSouq } from './server';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = opt('--sandbox');
if (!file) {
  console.error(`usage: serve.ts --sandbox <certkit sandbox output> [--port N] [--faults ${SOUQ_FAULTS.join(',')}]`);
  process.exit(2);
}
const sandbox = JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[0]) as {
  paymentPage: string;
  merchant: {
    merchant_identifier: string;
    access_code: string;
    sha_request_phrase: string;
    sha_response_phrase: string;
    sha_type: 'sha256' | 'sha512' | 'hmac256' | 'hmac512';
  };
};
const souq = await startSouq({
  apsBaseUrl: new URL(sandbox.paymentPage).origin,
  port: Number(opt('--port') ?? 4100),
  faults: opt('--faults'),
  merchant: sandbox.merchant,
});
console.log(
  JSON.stringify({ shop: souq.url, returnUrl: souq.returnUrl, notifyUrl: souq.notifyUrl, faults: souq.faults }),
);
const stop = () => void souq.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
