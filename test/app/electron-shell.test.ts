import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bridgeApi, type CertkitBridge } from '../../shared/api/client';
import { CALL_NAMES, IPC_PREFIX } from '../../shared/api/names';
import { ApiCallError } from '../../shared/api/reply';

// Electron's binary is not available here, so 'electron' is replaced by recording fakes; the shell's real
// code runs against them (window options, navigation guards, permission handlers, the IPC binder).

const fake = vi.hoisted(() => {
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const on = (map: Map<string, ((...a: unknown[]) => void)[]>) => (name: string, fn: (...a: unknown[]) => void) => {
    map.set(name, [...(map.get(name) ?? []), fn]);
  };
  const state = {
    userData: '',
    windows: [] as { options: Record<string, any>; loaded?: string }[],
    handlers: new Map<string, (event: unknown, input: unknown) => Promise<unknown>>(),
    appListeners: listeners,
    permissionHandler: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
    permissionCheck: undefined as undefined | (() => boolean),
    headers: undefined as
      | undefined
      | ((
          d: { responseHeaders: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void),
    sandboxEnabled: false,
    ready: Promise.resolve(),
    schemes: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocols: new Map<string, (request: Request) => Promise<Response>>(),
    clipboard: [] as string[],
    external: [] as string[],
    dialogs: [] as { title: string; properties: string[] }[],
  };
  class FakeBrowserWindow {
    static getAllWindows() {
      return state.windows;
    }
    constructor(options: Record<string, any>) {
      state.windows.push({ options });
      (this as any).record = state.windows[state.windows.length - 1];
    }
    on() {}
    once() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    isDestroyed() {
      return false;
    }
    getNormalBounds() {
      return { x: 0, y: 0, width: 1320, height: 860 };
    }
    async loadURL(url: string) {
      (this as any).record.loaded = url;
    }
  }
  const electron = {
    app: {
      enableSandbox: () => {
        state.sandboxEnabled = true;
      },
      on: on(listeners),
      whenReady: () => state.ready,
      getPath: () => state.userData,
      quit: () => undefined,
    },
    BrowserWindow: FakeBrowserWindow,
    dialog: {
      showOpenDialog: async (...args: any[]) => {
        state.dialogs.push(args[args.length - 1]);
        return { canceled: false, filePaths: ['/picked/folder'] };
      },
      showErrorBox: () => undefined,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: typeof state.schemes) => state.schemes.push(...schemes),
      handle: (scheme: string, fn: (request: Request) => Promise<Response>) => state.protocols.set(scheme, fn),
    },
    clipboard: { writeText: (text: string) => state.clipboard.push(text) },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) =>
        state.handlers.set(channel, fn),
      removeHandler: (channel: string) => state.handlers.delete(channel),
    },
    Menu: { setApplicationMenu: () => undefined, buildFromTemplate: (t: unknown) => t },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof state.permissionHandler) => (state.permissionHandler = fn),
        setPermissionCheckHandler: (fn: typeof state.permissionCheck) => (state.permissionCheck = fn),
        webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
      },
    },
    shell: {
      openPath: async () => 'no application knows this file',
      openExternal: async (url: string) => {
        state.external.push(url);
      },
    },
    webContents: { getAllWebContents: () => [] },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ default: fake.electron, ...fake.electron }));

function fakeContents() {
  const events = new Map<string, (...args: any[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  return {
    events,
    on: (name: string, fn: (...args: any[]) => void) => events.set(name, fn),
    setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
    open: (url: string) => openHandler!({ url }),
  };
}

const APP_URL = 'app://certkit/index.html';

beforeAll(async () => {
  fake.state.userData = await fs.mkdtemp(path.join(os.tmpdir(), 'certkit-shell-'));
  await import('../../electron/main');
  // main.ts finishes its whenReady chain asynchronously: wait until the window exists.
  await vi.waitFor(() => expect(fake.state.windows.length).toBe(1));
});

describe('Electron shell', () => {
  it('opens every window with context isolation, sandbox and no Node', () => {
    expect(fake.state.sandboxEnabled).toBe(true);
    for (const w of fake.state.windows) {
      const prefs = w.options.webPreferences;
      expect(prefs).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
      });
      expect(prefs.preload).toMatch(/preload\.cjs$/);
      // Not file://: a page from the app:// scheme gets response headers, so the header CSP applies.
      expect(w.loaded).toBe(APP_URL);
    }
  });

  it('serves the renderer on app://certkit with the CSP header, and nothing else', async () => {
    expect(fake.state.schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    // main.ts binds the handler for its bundled renderer folder; the same handler is tried here on a built one.
    expect(fake.state.protocols.has('app')).toBe(true);
    const { appProtocolHandler } = await import('../../electron/app-protocol-main');
    const rendererDir = path.join(fake.state.userData, 'renderer');
    await fs.mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>');
    await fs.writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    const handler = appProtocolHandler(rendererDir);
    const index = await handler(new Request(APP_URL));
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>shell</title>');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    const script = await handler(new Request('app://certkit/assets/app.js'));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    // The URL parser drops dot segments (also %2e%2e), so this names /etc/passwd inside the renderer: the app's page.
    const dotted = await handler(new Request('app://certkit/../../../etc/passwd'));
    expect(await dotted.text()).toContain('<title>shell</title>');
    for (const bad of [
      'app://certkit/%2e%2e/%2e%2e/package.json',
      'app://other/index.html',
      'app://certkit/assets/none.js',
    ]) {
      const res = await handler(new Request(bad));
      expect(res.status, bad).toBe(404);
      expect(await res.text(), bad).not.toMatch(/root:|"name": "certkit"/);
    }
  });

  it('blocks navigation away from the renderer and every new window, on every web contents', async () => {
    const created = fake.state.appListeners.get('web-contents-created')!;
    expect(created).toHaveLength(1);
    const contents = fakeContents();
    created[0]({}, contents);
    const nav = (name: string, url: string) => {
      const event = {
        url,
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      contents.events.get(name)!(event, url);
      return event.prevented;
    };
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      expect(nav(name, 'https://evil.example/'), name).toBe(true);
      expect(nav(name, 'file:///etc/passwd'), name).toBe(true);
      expect(nav(name, 'app://elsewhere/index.html'), name).toBe(true);
      expect(nav(name, 'mailto:integration-ps@amazon.com?body=x'), name).toBe(true);
      expect(nav(name, APP_URL), name).toBe(false);
    }
    expect(contents.open('https://evil.example/').action).toBe('deny');
    const webview = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    contents.events.get('will-attach-webview')!(webview);
    expect(webview.prevented).toBe(true);
  });

  it('denies permissions and sends the CSP header', () => {
    const answers: boolean[] = [];
    fake.state.permissionHandler!({}, 'media', (ok) => answers.push(ok));
    fake.state.permissionHandler!({}, 'notifications', (ok) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    expect(fake.state.permissionCheck!()).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.state.headers!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy'][0]).toMatch(/default-src 'self'; script-src 'self'/);
  });

  it('binds every contract call once, refuses foreign senders and parses input', async () => {
    expect([...fake.state.handlers.keys()].sort()).toEqual(CALL_NAMES.map((n) => `${IPC_PREFIX}${n}`).sort());
    const appFrame = { url: APP_URL };
    const trusted = { senderFrame: appFrame, sender: { mainFrame: appFrame } };
    const fileFrame = { url: pathToFileURL(path.resolve('electron/renderer/index.html')).href };
    await expect(
      fake.state.handlers.get(`${IPC_PREFIX}app.info`)!(
        { senderFrame: fileFrame, sender: { mainFrame: fileFrame } },
        {},
      ),
    ).resolves.toMatchObject({
      ok: false,
      error: {
        code: 'sender',
        message: "app.info refused: the request did not come from Certkit's own window",
        ar: { message: expect.stringMatching(/^رُفض app\.info: /) },
      },
    });
    const foreignFrame = { url: 'https://evil.example/' };
    const foreign = { senderFrame: foreignFrame, sender: { mainFrame: foreignFrame } };
    const subFrame = { senderFrame: { url: appFrame.url }, sender: { mainFrame: appFrame } };

    const info = fake.state.handlers.get(`${IPC_PREFIX}app.info`)!;
    await expect(info(trusted, {})).resolves.toMatchObject({
      ok: true,
      value: { transport: 'electron', secretsStore: 'keychain' },
    });
    await expect(info(foreign, {})).resolves.toMatchObject({ ok: false, error: { code: 'sender' } });
    await expect(info(subFrame, {})).resolves.toMatchObject({ ok: false, error: { code: 'sender' } });

    const open = fake.state.handlers.get(`${IPC_PREFIX}workspace.open`)!;
    const bad = (await open(trusted, { dir: 7 })) as { ok: boolean; error: { message: string } };
    expect(bad.ok).toBe(false);
    expect(bad.error.message).toMatch(/workspace\.open: dir/);
    const missing = (await open(trusted, { dir: path.join(fake.state.userData, 'nope') })) as {
      ok: boolean;
      error: { message: string; hint: string };
    };
    expect(missing).toMatchObject({ ok: false });
    expect(missing.error.hint).toMatch(/certkit init/);
  });
});

describe('desktop actions through the main process', () => {
  const trusted = { senderFrame: { url: APP_URL }, sender: {} as Record<string, unknown> };
  trusted.sender.mainFrame = trusted.senderFrame;
  const call = (name: string, input: unknown) => fake.state.handlers.get(`${IPC_PREFIX}${name}`)!(trusted, input);

  it('copies text with the main process clipboard, not the page permission', async () => {
    await expect(call('app.copyText', { text: 'To: integration-ps@amazon.com' })).resolves.toEqual({
      ok: true,
      value: { copied: true },
    });
    expect(fake.state.clipboard).toEqual(['To: integration-ps@amazon.com']);
  });

  it('picks a folder with the OS dialog', async () => {
    await expect(call('app.pickFolder', { title: 'Workspace folder' })).resolves.toEqual({
      ok: true,
      value: { supported: true, dir: '/picked/folder' },
    });
    expect(fake.state.dialogs.at(-1)).toMatchObject({
      title: 'Workspace folder',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('hands only short mailto: links to shell.openExternal', async () => {
    const { desktopPieces } = await import('../../electron/desktop-main');
    const opened: string[] = [];
    const pieces = desktopPieces({
      shell: { openPath: async () => '', openExternal: async (u: string) => void opened.push(u) },
      dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) } as never,
      clipboard: { writeText: () => undefined },
      window: () => undefined,
    });
    expect(await pieces.openExternal!('mailto:integration-ps@amazon.com?subject=Sign-off')).toBe(true);
    expect(await pieces.openExternal!('https://evil.example/')).toBe(false);
    expect(await pieces.openExternal!('file:///etc/passwd')).toBe(false);
    expect(await pieces.openExternal!(`mailto:a@b.c?body=${'x'.repeat(5000)}`)).toBe(false);
    expect(opened).toEqual(['mailto:integration-ps@amazon.com?subject=Sign-off']);
    expect(await pieces.pickFolder!({ title: 't' })).toBeUndefined();
  });
});

describe('keychain secrets', () => {
  it('refuses the Linux plain-text backend with a clear message', async () => {
    const { SafeStorageSecretStore } = await import('../../electron/secrets-main');
    const store = new SafeStorageSecretStore(
      {
        isEncryptionAvailable: () => true,
        encryptString: (s: string) => Buffer.from(s),
        decryptString: (b: Buffer) => b.toString(),
        getSelectedStorageBackend: () => 'basic_text',
      },
      path.join(fake.state.userData, 'secrets.json'),
      'linux',
    );
    await expect(store.write('/ws', { requestPhrase: 'x' })).rejects.toThrow(/no keyring is available/);
    await expect(fs.stat(path.join(fake.state.userData, 'secrets.json'))).rejects.toThrow();
  });

  it('stores secrets encrypted, outside the workspace, per workspace', async () => {
    const { SafeStorageSecretStore } = await import('../../electron/secrets-main');
    const file = path.join(fake.state.userData, 'secrets.json');
    const rot = (s: string) => Buffer.from(s.split('').reverse().join(''));
    const store = new SafeStorageSecretStore(
      {
        isEncryptionAvailable: () => true,
        encryptString: rot,
        decryptString: (b: Buffer) => b.toString().split('').reverse().join(''),
      },
      file,
      'linux',
    );
    await store.write('/ws/a', { requestPhrase: 'PhraseA-123', shaType: 'sha512' });
    await store.write('/ws/b', { accessCode: 'CodeB-456' });
    expect(await fs.readFile(file, 'utf8')).not.toMatch(/PhraseA|CodeB/);
    expect(await store.read('/ws/a')).toEqual({ requestPhrase: 'PhraseA-123', shaType: 'sha512' });
    expect(await store.read('/ws/b')).toEqual({ accessCode: 'CodeB-456' });
  });
});

describe('preload', () => {
  it('carries replies as data, so the renderer gets the engine error with its fix, and on() unsubscribes', async () => {
    const exposed: Record<string, any> = {};
    const invoked: [string, unknown][] = [];
    const listeners = new Set<(...a: unknown[]) => void>();
    const appFrame = { url: APP_URL };
    const trusted = { senderFrame: appFrame, sender: { mainFrame: appFrame } };
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        // Straight into the handlers main.ts bound; both ways copied, as IPC and the context bridge copy.
        invoke: async (channel: string, input: unknown) => {
          invoked.push([channel, input]);
          return structuredClone(await fake.state.handlers.get(channel)!(trusted, structuredClone(input)));
        },
        on: (_c: string, fn: (...a: unknown[]) => void) => listeners.add(fn),
        removeListener: (_c: string, fn: (...a: unknown[]) => void) => listeners.delete(fn),
      },
    }));
    vi.resetModules();
    await import('../../electron/preload');
    const bridge = exposed.certkit as CertkitBridge;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
    await expect(bridge.invoke('app.info', {})).resolves.toMatchObject({ ok: true, value: { transport: 'electron' } });
    expect(invoked[0]).toEqual(['certkit:app.info', {}]);

    // The renderer's side (renderer/src/api/get-api.ts): the same ApiCallError the HTTP client throws.
    const api = bridgeApi(bridge);
    const missing = path.join(fake.state.userData, 'nope');
    const err = await api.workspace.open({ dir: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(err).toMatchObject({ call: 'workspace.open', code: 'input', message: expect.stringMatching(/missing/) });
    expect((err as ApiCallError).hint).toMatch(/certkit init/);

    const seen: unknown[] = [];
    const off = api.on('run.log', (p: unknown) => seen.push(p));
    for (const l of listeners) l({}, 'run.log', { line: 'a' });
    for (const l of listeners) l({}, 'run.progress', { id: 'x' });
    off();
    expect(listeners.size).toBe(0);
    expect(seen).toEqual([{ line: 'a' }]);
  });
});
