// Secrets and card numbers planted where a careless merchant would leak them, shared by every test that asserts a
// writer (traffic recorder, simulator log, package, report, email) lets none of them through.

export const PLANTED = {
  requestPhrase: 'PlantedReqPhrase$93kQ (x)',
  responsePhrase: 'PlantedRespPhrase#71xZ',
  accessCode: 'zx0IPmPy5jp1vAz8Kpg7',
  card: '4557012345678902',
  cardSpaced: '5297 4125 4200 5689',
  cardDashed: '5123-4567-8901-2346',
};

const SECRETS = [PLANTED.accessCode, PLANTED.requestPhrase, PLANTED.responsePhrase];

/** Every spelling of a planted value that must not survive: as typed, URL-encoded, form-encoded, card digits bare. */
export const PLANTED_NEEDLES: readonly string[] = [
  ...new Set([
    ...SECRETS,
    ...SECRETS.map(encodeURIComponent),
    ...SECRETS.map((s) => new URLSearchParams([['', s]]).toString().slice(1)),
    PLANTED.card,
    PLANTED.cardSpaced,
    PLANTED.cardDashed,
    ...[PLANTED.cardSpaced, PLANTED.cardDashed].map((c) => c.replace(/\D/g, '')),
  ]),
];

/** The planted values found in `texts`, each as `needle in <label>`; empty when nothing leaked. */
export function leaks(texts: { label: string; text: string }[]): string[] {
  return texts.flatMap(({ label, text }) =>
    PLANTED_NEEDLES.filter((n) => text.includes(n)).map((n) => `${n} in ${label}`),
  );
}
