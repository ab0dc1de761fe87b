// Payment badges drawn by the project (simple shapes and lettering, not the schemes' artwork), so pages show
// which methods are offered without shipping anyone's trademarked files.

export type BadgeId =
  'mada' | 'knet' | 'benefit' | 'naps' | 'omannet' | 'stcpay' | 'visa' | 'mastercard' | 'amex' | 'applepay';

const W = 72;
const H = 44;

function frame(id: BadgeId, label: string, inner: string, bg = '#ffffff', border = '#d0d5dd'): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${label}" data-testid="badge-${id}" class="badge"><rect x="0.5" y="0.5" width="${W - 1}" height="${H - 1}" rx="6" fill="${bg}" stroke="${border}"/>${inner}</svg>`;
}

function text(x: number, y: number, value: string, size: number, fill: string, weight = 700, extra = ''): string {
  return `<text x="${x}" y="${y}" font-family="Noto Sans, Arial, sans-serif" font-size="${size}" font-weight="${weight}" fill="${fill}" text-anchor="middle" ${extra}>${value}</text>`;
}

const BADGES: Record<BadgeId, () => string> = {
  mada: () =>
    frame(
      'mada',
      'mada',
      `<rect x="7" y="14" width="18" height="6" rx="1.5" fill="#84b740"/><rect x="7" y="23" width="18" height="6" rx="1.5" fill="#259bd6"/>${text(47, 27, 'mada', 13, '#1d1d1b')}`,
    ),
  knet: () =>
    frame(
      'knet',
      'KNET',
      `<circle cx="18" cy="22" r="10" fill="#0a6cb3"/><path d="M13 22h10M18 17v10" stroke="#fff" stroke-width="2.5"/>${text(48, 27, 'KNET', 14, '#0a6cb3')}`,
    ),
  benefit: () =>
    frame(
      'benefit',
      'BENEFIT',
      `<rect x="6" y="14" width="16" height="16" rx="3" fill="#d7282f"/>${text(14, 27, 'B', 12, '#fff')}${text(46, 26, 'BENEFIT', 9, '#d7282f')}`,
    ),
  naps: () =>
    frame('naps', 'NAPS', `<path d="M9 32 L21 12 L33 32 Z" fill="#8a1538"/>${text(52, 27, 'NAPS', 13, '#8a1538')}`),
  omannet: () =>
    frame(
      'omannet',
      'OmanNet',
      `<circle cx="14" cy="22" r="7" fill="none" stroke="#c8102e" stroke-width="2.5"/><circle cx="14" cy="22" r="2.5" fill="#008751"/>${text(46, 26, 'OmanNet', 9, '#333')}`,
    ),
  stcpay: () => frame('stcpay', 'STC Pay', `${text(36, 27, 'stc pay', 15, '#ffffff')}`, '#4f008c', '#4f008c'),
  visa: () => frame('visa', 'Visa', `${text(36, 29, 'VISA', 18, '#1a1f71', 800, 'font-style="italic"')}`),
  mastercard: () =>
    frame(
      'mastercard',
      'Mastercard',
      `<circle cx="29" cy="22" r="11" fill="#eb001b"/><circle cx="43" cy="22" r="11" fill="#f79e1b" fill-opacity="0.9"/>`,
    ),
  amex: () =>
    frame(
      'amex',
      'American Express',
      `${text(36, 20, 'AMERICAN', 8, '#fff')}${text(36, 31, 'EXPRESS', 8, '#fff')}`,
      '#2e77bc',
      '#2e77bc',
    ),
  applepay: () =>
    frame(
      'applepay',
      'Apple Pay',
      `<circle cx="20" cy="23" r="7" fill="#fff"/><circle cx="22" cy="13" r="2.5" fill="#fff"/>${text(46, 28, 'Pay', 14, '#fff', 600)}`,
      '#000000',
      '#000000',
    ),
};

export function badge(id: BadgeId): string {
  return BADGES[id]();
}

export function badges(ids: BadgeId[]): string {
  return `<div class="badges">${ids.map(badge).join('')}</div>`;
}
