import type { BrowserWindow, Clipboard, Dialog, Shell } from 'electron';
import type { ApiHost } from './engine/api/context';
import { isMailtoLink } from './engine/email/mailto';

type DesktopPieces = Pick<ApiHost, 'openPath' | 'openExternal' | 'pickFolder' | 'writeClipboard'>;

/**
 * What the app's window may ask of the desktop, each done by the main process: the page itself has no clipboard
 * permission (the session denies them all) and may not navigate anywhere, so it asks through the API instead.
 */
export function desktopPieces(electron: {
  shell: Pick<Shell, 'openPath' | 'openExternal'>;
  dialog: Pick<Dialog, 'showOpenDialog'>;
  clipboard: Pick<Clipboard, 'writeText'>;
  window: () => BrowserWindow | undefined;
}): DesktopPieces {
  return {
    // shell.openPath answers '' on success and the reason otherwise.
    openPath: async (p) => (await electron.shell.openPath(p)) === '',
    openExternal: async (url) => {
      // Only mail links leave the app: an http(s) link from the page would open a page the app does not control.
      if (!isMailtoLink(url)) return false;
      try {
        await electron.shell.openExternal(url);
        return true;
      } catch {
        return false;
      }
    },
    pickFolder: async ({ title }) => {
      const options = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const win = electron.window();
      const picked = await (win
        ? electron.dialog.showOpenDialog(win, options)
        : electron.dialog.showOpenDialog(options));
      return picked.canceled ? undefined : picked.filePaths[0];
    },
    writeClipboard: async (text) => {
      electron.clipboard.writeText(text);
      return true;
    },
  };
}
