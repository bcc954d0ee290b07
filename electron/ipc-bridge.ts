import type { Transport } from '../core/api/transport';
import type { EventMessage, Outcome } from '../core/api/wire';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels';

/** The slice of Electron's ipcMain this bridge uses; the real one satisfies it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}
export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}
export interface EventSinkLike {
  isDestroyed(): boolean;
  send(channel: string, message: EventMessage): void;
}

/**
 * Main-process half of the desktop transport: calls from a trusted frame go to the core; events go to the window.
 * Returns a function that undoes both.
 */
export function bridgeIpc(
  ipcMain: IpcMainLike,
  core: Transport,
  sink: EventSinkLike,
  isTrusted: (frameUrl: string | undefined) => boolean,
): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method, params): Promise<Outcome> => {
    if (!isTrusted(event.senderFrame?.url)) {
      return { ok: false, error: { code: 'unavailable', message: 'refused: the sender is not the app window' } };
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'unknown_method', message: 'the method name must be a string' } };
    }
    return core.invoke(method, params);
  });
  const unsubscribe = core.subscribe((message) => {
    if (!sink.isDestroyed()) sink.send(EVENT_CHANNEL, message);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(INVOKE_CHANNEL);
  };
}
