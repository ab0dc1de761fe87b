import { accessSync, closeSync, constants, openSync, readSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../env';
import { CertkitError } from '../errors';
import { engineOfPath, firefoxCandidates, type BrowserEngine } from './engine';

export interface ResolveBrowserOptions {
  /** An explicit path (CLI --browser or the workspace's browser.path); checked before anything else. */
  explicit?: string;
  /**
   * Where to look: CERTKIT_BROWSER, PATH, HOME (and the Windows folders), PUPPETEER_CACHE_DIR. The CLI and the app
   * pass their environment; without one, only the standard PATH and the fixed install places are searched.
   */
  env?: Env;
  platform?: NodeJS.Platform;
  /**
   * The run will not show a window. Then a headless shell (chrome-headless-shell, chromium-headless-shell) is
   * looked for first: it has no browser UI to build, so it starts in a fifth of the time and a browser context
   * with its first page costs less than half (figures in ARCHITECTURE.md, "Where a run's time goes").
   */
  headless?: boolean;
  /** The family to find (default Chromium). CERTKIT_BROWSER is used only when it names one of that family. */
  engine?: BrowserEngine;
  /** For tests: decides whether a file is an executable browser. */
  exists?: (file: string) => boolean;
  /** For tests: lists a folder (the puppeteer cache), or [] when it is missing. */
  list?: (dir: string) => string[];
}

/** Chrome's headless shell has no window to open; it is told apart by the name it ships under. */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell(\.exe)?$/i.test(path.basename(executablePath));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    // A puppeteer cache that does not exist (the usual case) or cannot be read holds no browser to offer.
    return [];
  }
}

/**
 * A launcher script that only forwards its arguments to one binary (Debian's /usr/bin/chromium-headless-shell is
 * `/usr/lib/chromium/chromium-headless-shell "$@"` without exec) is replaced by that binary. Otherwise the process
 * puppeteer holds is the shell, and killing it (a crashed run, a stopped run) would leave the browser running.
 */
export function unwrapLauncher(file: string, exists: (f: string) => boolean = isExecutable): string {
  let head: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1024);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    // Unreadable: use it as given, and the launch names the file if it cannot start it.
    return file;
  }
  if (!head.startsWith('#!') || head.length >= 1024) return file;
  const lines = head
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const target = lines.length === 1 ? /^(?:exec\s+)?(\/[^\s"'$;|&]+)\s+"\$@"$/.exec(lines[0])?.[1] : undefined;
  return target && exists(target) ? target : file;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    // Missing or not executable: not a browser we can start, so the search moves on to the next place.
    return false;
  }
}

/** Where Chrome, Edge and Chromium install themselves, per platform, most common first. */
export function browserCandidates(platform: NodeJS.Platform, env: Env): string[] {
  if (platform === 'darwin') {
    const apps = [
      'Google Chrome.app/Contents/MacOS/Google Chrome',
      'Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      'Chromium.app/Contents/MacOS/Chromium',
      'Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary',
    ];
    const roots = ['/Applications', ...(env.HOME ? [path.posix.join(env.HOME, 'Applications')] : [])];
    return roots.flatMap((root) => apps.map((a) => path.posix.join(root, a)));
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    const rel = [
      'Google\\Chrome\\Application\\chrome.exe',
      'Microsoft\\Edge\\Application\\msedge.exe',
      'Chromium\\Application\\chrome.exe',
    ];
    return roots.flatMap((root) => rel.map((r) => path.win32.join(root, r)));
  }
  const names = [
    'google-chrome',
    'google-chrome-stable',
    'chromium',
    'chromium-browser',
    'microsoft-edge',
    'microsoft-edge-stable',
  ];
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean);
  const fromPath = dirs.flatMap((d) => names.map((n) => path.posix.join(d, n)));
  const fixed = [
    '/opt/google/chrome/chrome',
    '/opt/microsoft/msedge/msedge',
    '/snap/bin/chromium',
    '/usr/lib/chromium/chromium',
  ];
  return [...new Set([...fromPath, ...fixed])];
}

/**
 * Where a headless shell lives: the distribution's package (Debian's chromium-headless-shell) on the PATH, or
 * Chrome for Testing's build that `npx @puppeteer/browsers install chrome-headless-shell@stable` puts in
 * puppeteer's cache (newest version first).
 */
export function headlessShellCandidates(
  platform: NodeJS.Platform,
  env: Env,
  list: (dir: string) => string[] = listDir,
): string[] {
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  const exe = platform === 'win32' ? 'chrome-headless-shell.exe' : 'chrome-headless-shell';
  const fromPath =
    platform === 'win32'
      ? []
      : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
          .split(':')
          .filter(Boolean)
          .flatMap((d) => ['chrome-headless-shell', 'chromium-headless-shell'].map((n) => path.posix.join(d, n)));
  const home = platform === 'win32' ? env.USERPROFILE : env.HOME;
  const cache = env.PUPPETEER_CACHE_DIR ?? (home ? join(home, '.cache', 'puppeteer') : undefined);
  const cached: string[] = [];
  if (cache) {
    const root = join(cache, 'chrome-headless-shell');
    const versions = list(root).sort((a, b) => compareVersions(versionOf(b), versionOf(a)));
    for (const v of versions)
      for (const sub of list(join(root, v)))
        if (sub.startsWith('chrome-headless-shell-')) cached.push(join(root, v, sub, exe));
  }
  return [
    ...new Set([
      ...fromPath,
      ...(platform === 'linux' ? ['/usr/lib/chromium/chromium-headless-shell'] : []),
      ...cached,
    ]),
  ];
}

/** "linux-131.0.6778.85" → [131, 0, 6778, 85]; a folder without a version sorts last. */
function versionOf(folder: string): number[] {
  return /\d+(\.\d+)*/.exec(folder)?.[0].split('.').map(Number) ?? [];
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if ((a[i] ?? -1) !== (b[i] ?? -1)) return (a[i] ?? -1) - (b[i] ?? -1);
  return 0;
}

/**
 * Finds a browser of the family asked for (Chromium by default): the explicit path, then CERTKIT_BROWSER, then the
 * usual install places. A wrong explicit path is an error rather than a silent fallback, so the user learns their
 * setting is broken.
 */
export function resolveBrowser(options: ResolveBrowserOptions = {}): string {
  const env = options.env ?? {};
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? isExecutable;
  const engine = options.engine ?? 'chromium';
  const fromEnv = env.CERTKIT_BROWSER && engineOfPath(env.CERTKIT_BROWSER) === engine ? env.CERTKIT_BROWSER : undefined;
  for (const [value, source] of [
    [options.explicit, 'the browser path setting (--browser or browser.path in certkit.json)'],
    [fromEnv, 'CERTKIT_BROWSER'],
  ] as const) {
    if (!value) continue;
    if (exists(value)) return unwrapLauncher(value, exists);
    throw new CertkitError(`No browser at ${value} (from ${source})`, {
      hint: 'point it at a Chrome, Edge, Chromium or Firefox executable, or remove it to let Certkit search the usual places',
    });
  }
  if (engine === 'firefox') {
    const candidates = firefoxCandidates(platform, env);
    const found = candidates.find((c) => exists(c));
    if (found) return found;
    throw new CertkitError(`No Firefox found. Looked in:\n${candidates.map((c) => `  ${c}`).join('\n')}`, {
      hint: 'install Firefox (on Debian and Ubuntu: apt-get install firefox-esr), or give its path with --browser PATH',
    });
  }
  const candidates = [
    ...(options.headless ? headlessShellCandidates(platform, env, options.list) : []),
    ...browserCandidates(platform, env),
  ];
  const found = candidates.find((c) => exists(c));
  if (found) return unwrapLauncher(found, exists);
  throw new CertkitError(
    `No Chrome, Edge or Chromium found. Looked in:\n${candidates.map((c) => `  ${c}`).join('\n')}`,
    {
      hint: 'install Google Chrome or Chromium, or give the path with --browser PATH, CERTKIT_BROWSER=PATH, or "browser": {"path": ...} in certkit.json',
    },
  );
}
