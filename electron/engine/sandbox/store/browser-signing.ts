import type { ShaType } from '../../../../shared/aps/sha';
import { autoPostPage } from '../html';
import type { Fields } from '../http';

/** Where the store serves its signing script under the `phrase-in-page` fault. */
export const SIGNING_SCRIPT_PATH = '/js/sign-request.js';

const SUBTLE_HASH: Record<ShaType, { hash: string; hmac: boolean }> = {
  sha256: { hash: 'SHA-256', hmac: false },
  sha512: { hash: 'SHA-512', hmac: false },
  hmac256: { hash: 'SHA-256', hmac: true },
  hmac512: { hash: 'SHA-512', hmac: true },
};

/**
 * The fault `phrase-in-page`: the request is signed in the customer's browser, by a script that carries the SHA
 * request phrase, as some front-end samples do. The signature is right, so APS accepts it; the phrase is public.
 */
export function browserSigningScript(phrase: string, shaType: ShaType): string {
  const { hash, hmac } = SUBTLE_HASH[shaType];
  return `// Signs the payment form before it is posted.
var SHA_REQUEST_PHRASE = ${JSON.stringify(phrase)};
async function signAndPost(form) {
  var inputs = Array.prototype.slice.call(form.querySelectorAll('input[type=hidden]'));
  var pairs = inputs.filter(function (i) { return i.name !== 'signature' && i.value !== ''; })
    .sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; })
    .map(function (i) { return i.name + '=' + i.value; });
  var data = new TextEncoder().encode(SHA_REQUEST_PHRASE + pairs.join('') + SHA_REQUEST_PHRASE);
  var digest = ${
    hmac
      ? `await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', new TextEncoder().encode(SHA_REQUEST_PHRASE), { name: 'HMAC', hash: '${hash}' }, false, ['sign']), data)`
      : `await crypto.subtle.digest('${hash}', data)`
  };
  form.signature.value = Array.prototype.map.call(new Uint8Array(digest), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  form.submit();
}
`;
}

/** The paymentPage form without a signature; the script above fills it in and posts the form. */
export function browserSignedPostPage(
  action: string,
  fields: Fields,
  opts: { lang: 'en' | 'ar'; title: string; note: string; testid: string },
): string {
  return autoPostPage(
    action,
    { ...fields, signature: '' },
    {
      ...opts,
      submitScript: `<script src="${SIGNING_SCRIPT_PATH}"></script><script>signAndPost(document.getElementById('autopost'));</script>`,
    },
  );
}
