import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  session,
  shell,
  webContents,
  type IpcMainInvokeEvent,
} from 'electron';
import { APP_INDEX_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler, isAppUrl } from './app-protocol-main';
import { desktopPieces } from './desktop-main';
import type { ApiTable } from '../shared/api/contract';
import { disposeSession, type ApiHost, type ApiSession } from './engine/api/context';
import { FileRecentStore } from './engine/api/recent-store';
import { errorMessage } from './engine/errors';
import { createApiTable } from './engine/api/table';
import { bindIpc, sendEvent } from './ipc';
import { menuTemplate } from './menu-main';
import { SafeStorageSecretStore } from './secrets-main';
import { hardenContents, hardenSession, secureWebPreferences } from './security-main';
import { loadWindowState, saveWindowState } from './window-state-main';

// The thin Electron shell: windows, security, IPC binding, menu. All work happens in electron/engine/.
// Bundled to build/out/electron/main.js (with preload.cjs and renderer/ beside it) by build/build-electron.mjs.

// Bundled as ESM (package.json is type: module), so the folder comes from import.meta.url.
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.join(here, 'renderer');
const preloadPath = path.join(here, 'preload.cjs');

let mainWindow: BrowserWindow | undefined;
let table: ApiTable;
let recent: FileRecentStore;

function rendererContents() {
  return webContents.getAllWebContents().filter((c) => isAppUrl(c.getURL()));
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url);
}

async function refreshMenu(): Promise<void> {
  const dirs = await recent.list();
  const run = (p: Promise<unknown>) => p.catch((err: Error) => dialog.showErrorBox('Certkit', err.message));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(dirs, {
        openWorkspace: () =>
          void run(
            dialog
              .showOpenDialog({ properties: ['openDirectory', 'createDirectory'], title: 'Open a Certkit workspace' })
              .then(async (r) => {
                if (!r.canceled && r.filePaths[0]) await table['workspace.open']({ dir: r.filePaths[0] });
              }),
          ),
        openRecent: (dir) => void run(table['workspace.open']({ dir })),
        openDemo: () => void run(table['workspace.demo']({})),
        quit: () => app.quit(),
      }),
    ),
  );
}

async function createWindow(): Promise<void> {
  const stateFile = path.join(app.getPath('userData'), 'window.json');
  const state = await loadWindowState(stateFile);
  mainWindow = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Certkit',
    backgroundColor: '#f4f6f9',
    webPreferences: secureWebPreferences(preloadPath),
  });
  if (state.maximized) mainWindow.maximize();
  const remember = () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    void saveWindowState(stateFile, { bounds: mainWindow.getNormalBounds(), maximized: mainWindow.isMaximized() });
  };
  mainWindow.on('resized', remember);
  mainWindow.on('moved', remember);
  mainWindow.on('close', remember);
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(APP_INDEX_URL);
}

app.enableSandbox();
// Before ready: the scheme must be known as standard and secure when the first page loads.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.on('web-contents-created', (_e, contents) => hardenContents(contents));
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

void app.whenReady().then(async () => {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir));
  const userData = app.getPath('userData');
  recent = new FileRecentStore(path.join(userData, 'recent.json'));
  const host: ApiHost = {
    transport: 'electron',
    secrets: new SafeStorageSecretStore(safeStorage, path.join(userData, 'secrets.json')),
    recent,
    emit: (event, payload) => {
      sendEvent(rendererContents, event, payload);
      if (event === 'workspace.changed') void refreshMenu();
    },
    ...desktopPieces({ shell, dialog, clipboard, window: () => mainWindow }),
    demoDir: path.join(app.getPath('documents'), 'Certkit Demo'),
    // The app's own environment: CERTKIT_BROWSER and PATH decide which browser runs and packages use.
    browserEnv: process.env,
  };
  const apiSession: ApiSession = {};
  table = createApiTable(host, apiSession);
  app.on('before-quit', () => {
    // Quitting goes on either way; what could not be stopped is said where a developer will see it.
    disposeSession(apiSession).catch((err: unknown) => console.error(`certkit: ${errorMessage(err)}`));
  });
  bindIpc(ipcMain, table, { isTrustedSender });
  await refreshMenu();
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});
