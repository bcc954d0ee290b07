import type { Transport } from '../core/api/transport';
import { EventMessageSchema, type EventMessage, type Outcome } from '../core/api/wire';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): void;
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): void;
}

/**
 * What the preload exposes to the page as `window.rewardranker`: exactly a Transport, never ipcRenderer itself,
 * and only our two channels.
 */
export function createPreloadBridge(ipc: IpcRendererLike): Transport {
  return {
    invoke: (method: string, params: unknown) => ipc.invoke(INVOKE_CHANNEL, method, params) as Promise<Outcome>,
    subscribe: (listener: (event: EventMessage) => void) => {
      const forward = (_event: unknown, message: unknown): void => {
        const parsed = EventMessageSchema.safeParse(message);
        if (parsed.success) listener(parsed.data);
      };
      ipc.on(EVENT_CHANNEL, forward);
      return () => ipc.removeListener(EVENT_CHANNEL, forward);
    },
  };
}
