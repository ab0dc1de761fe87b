import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { groupedApi } from '../shared/api/client';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type EventName } from '../shared/api/names';
import type { IpcEnvelope } from './ipc';

// Sandboxed preload: it may only reach 'electron' and what the bundler inlines (shared/api/names + client, no zod).
// The page gets window.certkit: one function per contract call, grouped by domain, and on(event, cb) -> unsubscribe.

const api = groupedApi(
  async (name, input) => {
    const reply = (await ipcRenderer.invoke(`${IPC_PREFIX}${name}`, input)) as IpcEnvelope;
    if (reply.ok) return reply.value;
    // contextBridge copies only an Error's message, so the fix rides in it in the CLI's own "fix:" form.
    throw new Error(reply.error.hint ? `${reply.error.message}\n  fix: ${reply.error.hint}` : reply.error.message);
  },
  (event: EventName, cb) => {
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) cb(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
    };
  },
);

contextBridge.exposeInMainWorld('certkit', api);
