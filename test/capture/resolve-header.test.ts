import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { browserCandidates, resolveBrowser } from '../../electron/engine/browser/resolve';
import { drawHeader, formatCaptureTime, wrapUrl } from '../../electron/engine/capture/header';

describe('browser resolver', () => {
  it('prefers the explicit path, then CERTKIT_BROWSER, then the usual places', () => {
    const exists = (f: string) => ['/opt/x/chrome', '/env/chrome', '/usr/bin/chromium'].includes(f);
    expect(resolveBrowser({ explicit: '/opt/x/chrome', env: { CERTKIT_BROWSER: '/env/chrome', PATH: '/usr/bin' }, platform: 'linux', exists })).toBe('/opt/x/chrome');
    expect(resolveBrowser({ env: { CERTKIT_BROWSER: '/env/chrome', PATH: '/usr/bin' }, platform: 'linux', exists })).toBe('/env/chrome');
    expect(resolveBrowser({ env: { PATH: '/usr/bin' }, platform: 'linux', exists })).toBe('/usr/bin/chromium');
  });

  it('says which setting is wrong instead of silently falling back', () => {
    expect(() => resolveBrowser({ env: { CERTKIT_BROWSER: '/nope' }, platform: 'linux', exists: () => false })).toThrowError(/No browser at \/nope \(from CERTKIT_BROWSER\)/);
  });

  it('lists every place it looked when nothing is found', () => {
    try {
      resolveBrowser({ env: { PROGRAMFILES: 'C:\\Program Files' }, platform: 'win32', exists: () => false });
      expect.unreachable();
    } catch (err) {
      const e = err as Error & { hint?: string };
      expect(e.message).toContain('C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe');
      expect(e.hint).toMatch(/--browser PATH/);
    }
    expect(browserCandidates('darwin', { HOME: '/Users/a' })).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
  });
});

describe('capture header', () => {
  it('wraps a long URL without losing characters', () => {
    const url = `https://checkout.example.com/FortAPI/paymentPage?${'x'.repeat(300)}`;
    const lines = wrapUrl(url, 800);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join('')).toBe(url);
  });

  it('writes the time with its offset and zone name', () => {
    const t = formatCaptureTime(new Date('2026-03-01T10:00:00Z'), 'UTC');
    expect(t.text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC[+-]\d{2}:\d{2} \(UTC\)$/);
    expect(new Date(t.iso).getTime()).toBe(Date.parse('2026-03-01T10:00:00Z'));
  });

  it('puts the header above the unscaled page image', async () => {
    const page = await sharp({ create: { width: 640, height: 300, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
    const drawn = await drawHeader(page, 640, 300, { url: 'http://shop.test/a', capturedAt: new Date(), timeZone: 'UTC', scenarioId: 's', stepLabel: 'step 1/1' }, 'jpeg', 82);
    const meta = await sharp(drawn.data).metadata();
    expect(meta.width).toBe(640);
    expect(meta.height).toBe(drawn.height);
    expect(drawn.height).toBeGreaterThan(300 + 30);
    // Top row is header background, bottom row is the page's red.
    const { data, info } = await sharp(drawn.data).raw().toBuffer({ resolveWithObject: true });
    const px = (y: number) => Array.from(data.subarray((y * info.width + 320) * info.channels, (y * info.width + 320) * info.channels + 3));
    expect(px(2)[0]).toBeLessThan(245);
    expect(px(drawn.height - 5)[0]).toBeGreaterThan(200);
    expect(px(drawn.height - 5)[1]).toBeLessThan(60);
  });
});
