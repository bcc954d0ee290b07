import type { IpcMainLike, InvokeEventLike, EventSinkLike } from '../../electron/ipc-bridge';
import type { IpcRendererLike } from '../../electron/preload-bridge';
import type { EventMessage } from '../../core/api/wire';

/**
 * Electron's IPC semantics without the binary (which can't be downloaded here): ipcRenderer.invoke reaches the
 * ipcMain.handle handler with an event carrying the sender frame's URL, arguments and replies cross by structured
 * clone, and webContents.send reaches ipcRenderer.on listeners. The bridge code under test is the shipped code.
 */
export function createInMemoryIpc(frameUrl: string): {
  ipcMain: IpcMainLike;
  ipcRenderer: IpcRendererLike;
  webContents: EventSinkLike;
} {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const listeners = new Map<string, Set<(event: unknown, message: unknown) => void>>();
  const senderEvent: InvokeEventLike = { senderFrame: { url: frameUrl } };

  return {
    ipcMain: {
      handle: (channel, listener) => {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
      removeHandler: (channel) => void handlers.delete(channel),
    },
    ipcRenderer: {
      invoke: async (channel, ...args) => {
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        return structuredClone(await handler(senderEvent, ...structuredClone(args)));
      },
      on: (channel, listener) => {
        let set = listeners.get(channel);
        if (!set) listeners.set(channel, (set = new Set()));
        set.add(listener);
      },
      removeListener: (channel, listener) => void listeners.get(channel)?.delete(listener),
    },
    webContents: {
      isDestroyed: () => false,
      send: (channel: string, message: EventMessage) => {
        for (const listener of listeners.get(channel) ?? []) listener({}, structuredClone(message));
      },
    },
  };
}
