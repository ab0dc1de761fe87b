import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { CertkitError } from '../errors';

export interface ResolveBrowserOptions {
  /** An explicit path (CLI --browser or the workspace's browser.path); checked before anything else. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** For tests: decides whether a file is an executable browser. */
  exists?: (file: string) => boolean;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where Chrome, Edge and Chromium install themselves, per platform, most common first. */
export function browserCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
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
    'google-chrome', 'google-chrome-stable', 'chromium', 'chromium-browser', 'microsoft-edge', 'microsoft-edge-stable',
  ];
  const dirs = (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean);
  const fromPath = dirs.flatMap((d) => names.map((n) => path.posix.join(d, n)));
  const fixed = ['/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge', '/snap/bin/chromium', '/usr/lib/chromium/chromium'];
  return [...new Set([...fromPath, ...fixed])];
}

/**
 * Finds a Chromium-family browser: the explicit path, then CERTKIT_BROWSER, then the usual install places.
 * A wrong explicit path is an error rather than a silent fallback, so the user learns their setting is broken.
 */
export function resolveBrowser(options: ResolveBrowserOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? isExecutable;
  for (const [value, source] of [
    [options.explicit, 'the browser path setting (--browser or browser.path in certkit.json)'],
    [env.CERTKIT_BROWSER, 'CERTKIT_BROWSER'],
  ] as const) {
    if (!value) continue;
    if (exists(value)) return value;
    throw new CertkitError(`No browser at ${value} (from ${source})`, {
      hint: 'point it at a Chrome, Edge or Chromium executable, or remove it to let Certkit search the usual places',
    });
  }
  const candidates = browserCandidates(platform, env);
  const found = candidates.find((c) => exists(c));
  if (found) return found;
  throw new CertkitError(`No Chrome, Edge or Chromium found. Looked in:\n${candidates.map((c) => `  ${c}`).join('\n')}`, {
    hint: 'install Google Chrome or Chromium, or give the path with --browser PATH, CERTKIT_BROWSER=PATH, or "browser": {"path": ...} in certkit.json',
  });
}
