import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ApiTable } from '../shared/api/contract';
import { CALL_NAMES, IPC_EVENT_CHANNEL, IPC_PREFIX, type EventName } from '../shared/api/names';
import type { CallReply } from '../shared/api/reply';
import { callReply } from './engine/api/dispatch';

export interface IpcBinding {
  /** True only for frames that show our own renderer; anything else (an injected frame, a navigated page) is refused. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
}

/**
 * The one IPC binder: every contract call becomes one ipcMain.handle, with the sender checked and the input parsed.
 * Each answers the reply envelope (shared/api/reply.ts), the same one the browser host sends over HTTP.
 */
export function bindIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  table: ApiTable,
  binding: IpcBinding,
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(`${IPC_PREFIX}${name}`, async (event, raw: unknown): Promise<CallReply> => {
      if (!binding.isTrustedSender(event)) {
        return {
          ok: false,
          error: {
            message: `${name} refused: the request did not come from Certkit's own window`,
            code: 'sender',
            ar: { message: `رُفض ${name}: الطلب لم يأتِ من نافذة Certkit نفسها` },
          },
        };
      }
      return callReply(table, name, raw);
    });
  }
  return () => CALL_NAMES.forEach((name) => ipcMain.removeHandler(`${IPC_PREFIX}${name}`));
}

/** Sends a contract event to every window that shows the renderer. */
export function sendEvent(targets: () => WebContents[], event: EventName, payload: unknown): void {
  for (const contents of targets()) {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event, payload);
  }
}
