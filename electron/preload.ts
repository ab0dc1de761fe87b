import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CertkitBridge } from '../shared/api/client';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type EventName } from '../shared/api/names';
import type { CallReply } from '../shared/api/reply';

// Sandboxed preload: it may only reach 'electron' and what the bundler inlines (shared/api/names, no zod).
// The page gets window.certkit: invoke(name, input) -> the reply envelope, and on(event, cb) -> unsubscribe.
// Replies stay data across the bridge (it would keep only an Error's message); the renderer turns a failed one
// into the same ApiCallError the browser host's client throws (shared/api/client.ts bridgeApi).

const bridge: CertkitBridge = {
  invoke: async (name, input) => (await ipcRenderer.invoke(`${IPC_PREFIX}${name}`, input ?? {})) as CallReply,
  on: (event: EventName, cb) => {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) cb(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('certkit', bridge);
