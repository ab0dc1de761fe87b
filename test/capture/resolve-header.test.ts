import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  browserCandidates,
  headlessShellCandidates,
  isHeadlessShell,
  resolveBrowser,
  unwrapLauncher,
} from '../../electron/engine/browser/resolve';
import { launchBrowser } from '../../electron/engine/browser/launch';
import { chooseBrowser } from '../../electron/engine/run/index';
import { engineOfPath, parseBrowserOption } from '../../electron/engine/browser/engine';
import { drawHeader, formatCaptureTime, wrapUrl } from '../../electron/engine/capture/header';

describe('browser resolver', () => {
  it('prefers the explicit path, then CERTKIT_BROWSER, then the usual places', () => {
    const exists = (f: string) => ['/opt/x/chrome', '/env/chrome', '/usr/bin/chromium'].includes(f);
    expect(
      resolveBrowser({
        explicit: '/opt/x/chrome',
        env: { CERTKIT_BROWSER: '/env/chrome', PATH: '/usr/bin' },
        platform: 'linux',
        exists,
      }),
    ).toBe('/opt/x/chrome');
    expect(
      resolveBrowser({ env: { CERTKIT_BROWSER: '/env/chrome', PATH: '/usr/bin' }, platform: 'linux', exists }),
    ).toBe('/env/chrome');
    expect(resolveBrowser({ env: { PATH: '/usr/bin' }, platform: 'linux', exists })).toBe('/usr/bin/chromium');
  });

  it('takes a headless shell first for a headless run, and never for a visible one', () => {
    const exists = (f: string) => ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].includes(f);
    const env = { PATH: '/usr/bin' };
    expect(resolveBrowser({ env, platform: 'linux', exists, headless: true })).toBe('/usr/bin/chromium-headless-shell');
    expect(resolveBrowser({ env, platform: 'linux', exists })).toBe('/usr/bin/chromium');
    // A setting names the browser; it is not second-guessed for speed.
    expect(
      resolveBrowser({
        env: { ...env, CERTKIT_BROWSER: '/usr/bin/chromium' },
        platform: 'linux',
        exists,
        headless: true,
      }),
    ).toBe('/usr/bin/chromium');
    // Without a shell, a headless run takes the full browser.
    expect(resolveBrowser({ env, platform: 'linux', exists: (f) => f === '/usr/bin/chromium', headless: true })).toBe(
      '/usr/bin/chromium',
    );
  });

  it("finds Chrome for Testing's headless shell in puppeteer's cache, newest version first", () => {
    const tree: Record<string, string[]> = {
      '/Users/a/.cache/puppeteer/chrome-headless-shell': [
        'mac_arm-99.0.6778.85',
        'mac_arm-131.0.6778.85',
        'mac_arm-131.0.6778.108',
        'notes',
      ],
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-131.0.6778.108': ['chrome-headless-shell-mac-arm64'],
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-131.0.6778.85': ['chrome-headless-shell-mac-arm64'],
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-99.0.6778.85': ['chrome-headless-shell-mac-arm64'],
    };
    const found = headlessShellCandidates('darwin', { HOME: '/Users/a', PATH: '' }, (d) => tree[d] ?? []);
    expect(found).toEqual([
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-131.0.6778.108/chrome-headless-shell-mac-arm64/chrome-headless-shell',
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-131.0.6778.85/chrome-headless-shell-mac-arm64/chrome-headless-shell',
      '/Users/a/.cache/puppeteer/chrome-headless-shell/mac_arm-99.0.6778.85/chrome-headless-shell-mac-arm64/chrome-headless-shell',
    ]);
    const win = headlessShellCandidates('win32', { USERPROFILE: 'C:\\Users\\a', PUPPETEER_CACHE_DIR: 'D:\\pc' }, (d) =>
      d === 'D:\\pc\\chrome-headless-shell'
        ? ['win64-131.0.6778.85']
        : d.endsWith('131.0.6778.85')
          ? ['chrome-headless-shell-win64']
          : [],
    );
    expect(win).toEqual([
      'D:\\pc\\chrome-headless-shell\\win64-131.0.6778.85\\chrome-headless-shell-win64\\chrome-headless-shell.exe',
    ]);
    expect(isHeadlessShell(win[0])).toBe(true);
    expect(isHeadlessShell('/usr/bin/chromium')).toBe(false);
  });

  it("honours the workspace's browser.headless, with --headful and --browser winning over the workspace", () => {
    const exists = (f: string) => ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/opt/chrome'].includes(f);
    const resolve = (o: Parameters<typeof resolveBrowser>[0]) =>
      resolveBrowser({ ...o, env: { PATH: '/usr/bin' }, platform: 'linux', exists });
    const setting = { concurrency: 2, headless: true };
    expect(chooseBrowser(setting, {}, resolve)).toEqual({
      headful: false,
      executablePath: '/usr/bin/chromium-headless-shell',
      engine: 'chromium',
    });
    expect(chooseBrowser({ ...setting, headless: false }, {}, resolve)).toEqual({
      headful: true,
      executablePath: '/usr/bin/chromium',
      engine: 'chromium',
    });
    expect(chooseBrowser({ ...setting, headless: false }, { headful: false }, resolve)).toEqual({
      headful: false,
      executablePath: '/usr/bin/chromium-headless-shell',
      engine: 'chromium',
    });
    expect(chooseBrowser(setting, { headful: true }, resolve)).toEqual({
      headful: true,
      executablePath: '/usr/bin/chromium',
      engine: 'chromium',
    });
    expect(chooseBrowser({ ...setting, path: '/opt/chrome' }, {}, resolve).executablePath).toBe('/opt/chrome');
    expect(
      chooseBrowser({ ...setting, path: '/opt/chrome' }, { browserPath: '/usr/bin/chromium' }, resolve).executablePath,
    ).toBe('/usr/bin/chromium');
  });

  it('finds Firefox when asked by name or by the workspace, and tells a Firefox path by its name', () => {
    const exists = (f: string) => ['/usr/bin/chromium', '/usr/bin/firefox-esr', '/opt/chrome'].includes(f);
    const resolve = (o: Parameters<typeof resolveBrowser>[0]) =>
      resolveBrowser({ ...o, env: { PATH: '/usr/bin' }, platform: 'linux', exists });
    const setting = { concurrency: 2, headless: true };
    expect(parseBrowserOption('firefox')).toEqual({ engine: 'firefox' });
    expect(parseBrowserOption('Chromium')).toEqual({ engine: 'chromium' });
    expect(parseBrowserOption('/opt/firefox/firefox')).toEqual({ path: '/opt/firefox/firefox' });
    expect(engineOfPath('/opt/firefox/firefox')).toBe('firefox');
    expect(engineOfPath('C:\\Program Files\\Mozilla Firefox\\firefox.exe')).toBe('firefox');
    expect(engineOfPath('/usr/bin/chromium')).toBe('chromium');
    expect(chooseBrowser(setting, { browserEngine: 'firefox' }, resolve)).toEqual({
      headful: false,
      executablePath: '/usr/bin/firefox-esr',
      engine: 'firefox',
    });
    expect(chooseBrowser({ ...setting, engine: 'firefox' }, {}, resolve).executablePath).toBe('/usr/bin/firefox-esr');
    // --browser firefox drops a workspace path of the other family; --browser chromium wins over browser.engine.
    expect(chooseBrowser({ ...setting, path: '/opt/chrome' }, { browserEngine: 'firefox' }, resolve).engine).toBe(
      'firefox',
    );
    expect(chooseBrowser({ ...setting, engine: 'firefox' }, { browserEngine: 'chromium' }, resolve).engine).toBe(
      'chromium',
    );
    // CERTKIT_BROWSER names a Chromium: not taken when Firefox is asked for.
    expect(
      resolveBrowser({ engine: 'firefox', env: { CERTKIT_BROWSER: '/opt/chrome' }, platform: 'linux', exists }),
    ).toBe('/usr/bin/firefox-esr');
    expect(() => resolveBrowser({ engine: 'firefox', env: {}, platform: 'linux', exists: () => false })).toThrow(
      /No Firefox found[\s\S]*firefox-esr/,
    );
  });

  it('looks through a launcher script that only forwards to one binary, so killing the browser kills the browser', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-launcher-'));
    try {
      const real = path.join(dir, 'chrome-headless-shell-real');
      await fs.writeFile(real, '\x7fELF not really', { mode: 0o755 });
      const write = async (name: string, body: string) => {
        await fs.writeFile(path.join(dir, name), body, { mode: 0o755 });
        return path.join(dir, name);
      };
      expect(unwrapLauncher(await write('plain', `#!/bin/sh -e\n\n${real} "$@"\n`))).toBe(real);
      expect(unwrapLauncher(await write('exec', `#!/bin/sh\n# forwards\nexec ${real} "$@"\n`))).toBe(real);
      // Anything that does more than forward (flags, env, clean-up) is left alone: it may be needed.
      expect(unwrapLauncher(await write('flags', `#!/bin/sh\nexport X=1\n${real} "$@"\n`))).toBe(
        path.join(dir, 'flags'),
      );
      expect(unwrapLauncher(await write('missing', `#!/bin/sh\n${dir}/gone "$@"\n`))).toBe(path.join(dir, 'missing'));
      expect(unwrapLauncher(real)).toBe(real);
      expect(resolveBrowser({ explicit: path.join(dir, 'exec'), env: {} })).toBe(real);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('says a visible run needs a display, and how to get one, when there is none', async () => {
    const display = process.env.DISPLAY;
    delete process.env.DISPLAY;
    try {
      await expect(launchBrowser({ executablePath: resolveBrowser(), headful: true })).rejects.toMatchObject({
        message: expect.stringContaining('this machine has no display'),
        hint: expect.stringMatching(/xvfb-run.*leave out --headful/),
        exitCode: 1,
      });
    } finally {
      if (display !== undefined) process.env.DISPLAY = display;
    }
  }, 30_000);

  it('refuses to open a visible window with a headless shell, before starting anything', async () => {
    await expect(
      launchBrowser({ executablePath: '/usr/bin/chromium-headless-shell', headful: true }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('headless shell, which cannot open a window'),
      hint: expect.stringMatching(/--browser PATH/),
    });
  });

  it('says which setting is wrong instead of silently falling back', () => {
    expect(() =>
      resolveBrowser({ env: { CERTKIT_BROWSER: '/nope' }, platform: 'linux', exists: () => false }),
    ).toThrowError(/No browser at \/nope \(from CERTKIT_BROWSER\)/);
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
    expect(browserCandidates('darwin', { HOME: '/Users/a' })).toContain(
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    );
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
    const page = await sharp({ create: { width: 640, height: 300, channels: 3, background: '#ff0000' } })
      .jpeg()
      .toBuffer();
    const drawn = await drawHeader(
      page,
      640,
      300,
      { url: 'http://shop.test/a', capturedAt: new Date(), timeZone: 'UTC', scenarioId: 's', stepLabel: 'step 1/1' },
      'jpeg',
      82,
    );
    const meta = await sharp(drawn.data).metadata();
    expect(meta.width).toBe(640);
    expect(meta.height).toBe(drawn.height);
    expect(drawn.height).toBeGreaterThan(300 + 30);
    // Top row is header background, bottom row is the page's red.
    const { data, info } = await sharp(drawn.data).raw().toBuffer({ resolveWithObject: true });
    const px = (y: number) =>
      Array.from(data.subarray((y * info.width + 320) * info.channels, (y * info.width + 320) * info.channels + 3));
    expect(px(2)[0]).toBeLessThan(245);
    expect(px(drawn.height - 5)[0]).toBeGreaterThan(200);
    expect(px(drawn.height - 5)[1]).toBeLessThan(60);
  });
});
