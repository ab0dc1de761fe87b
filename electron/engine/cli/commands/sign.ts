import { parseShaType } from '../../../../shared/aps/sha';
import { computeSignature, verifySignature, type ApsParams } from '../../aps/signature';
import { CertkitError } from '../../errors';
import { defineCommand, readAll, stringOpt } from '../command';

function parseParams(text: string): ApsParams {
  if (!text.trim())
    throw new CertkitError('no JSON on stdin', {
      hint: 'pipe a JSON object of parameters, e.g. echo \'{"command":"PURCHASE"}\' | certkit sign --phrase P',
    });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CertkitError(`stdin is not valid JSON: ${(err as Error).message}`, {
      hint: 'send one JSON object of parameter names to values',
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new CertkitError(
      `stdin holds JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object of parameters`,
      {
        hint: 'send one JSON object, e.g. {"command":"PURCHASE","amount":"1000"}',
      },
    );
  }
  return value as ApsParams;
}

export const signCommand = defineCommand({
  name: 'sign',
  summary: 'Compute (or --verify) an APS signature over JSON parameters read from stdin',
  usage: 'sign --phrase P [--algo sha256|sha512|hmac256|hmac512] [--verify]',
  options: {
    phrase: { type: 'string', description: 'the SHA phrase (default: CERTKIT_SHA_REQUEST_PHRASE)' },
    algo: { type: 'string', description: 'sha256, sha512, hmac256 or hmac512 (default sha256)' },
    verify: { type: 'boolean', description: 'check the signature field of the JSON instead of computing one' },
    response: { type: 'boolean', description: 'sign or verify as an APS response (the response phrase)' },
  },
  async run(args, ctx) {
    const phrase = stringOpt(args, 'phrase') ?? ctx.env.CERTKIT_SHA_REQUEST_PHRASE;
    if (!phrase)
      throw new CertkitError('no SHA phrase given', { hint: 'pass --phrase P (or set CERTKIT_SHA_REQUEST_PHRASE)' });
    const algoText = stringOpt(args, 'algo') ?? 'sha256';
    const algo = parseShaType(algoText);
    if (!algo)
      throw new CertkitError(`--algo ${algoText} is not a SHA type APS offers`, {
        hint: 'use sha256, sha512, hmac256 or hmac512',
      });
    const params = parseParams(await readAll(ctx.stdin, ctx.signal));
    const options = { response: !!args.values.response };
    if (!args.values.verify) {
      ctx.stdout.write(`${computeSignature(params, phrase, algo, options)}\n`);
      return 0;
    }
    const result = verifySignature(params, phrase, algo, options);
    if (!result.received)
      throw new CertkitError('the JSON has no "signature" field to verify', {
        hint: 'include the signature APS (or the merchant) sent',
      });
    ctx.stdout.write(`string hashed: ${result.maskedString}\n`);
    ctx.stdout.write(`expected:      ${result.expected}\nreceived:      ${result.received}\n`);
    ctx.stdout.write(result.ok ? 'signature matches\n' : 'signature does NOT match\n');
    return result.ok ? 0 : 1;
  },
});
