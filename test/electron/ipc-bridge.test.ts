import { describe, expect, it } from 'vitest';
import { Core } from '../../core/host/core';
import { bridgeIpc } from '../../electron/ipc-bridge';
import { createPreloadBridge } from '../../electron/preload-bridge';
import { isTrustedSender } from '../../electron/trusted-sender';
import { createInMemoryIpc } from '../support/in-memory-ipc';

const rendererUrl = 'file:///opt/app/out/renderer/index.html';
const core = () => new Core({ mode: 'desktop', workspace: '/tmp/rr-test', electronVersion: '39.0.0' });

describe('IPC bridge', () => {
  it('gives an untrusted frame nothing, not even a method list', async () => {
    const ipc = createInMemoryIpc('https://evil.example/');
    bridgeIpc(ipc.ipcMain, core(), ipc.webContents, (url) => isTrustedSender(url, rendererUrl));
    const outcome = await createPreloadBridge(ipc.ipcRenderer).invoke('app.info', {});
    expect(outcome).toEqual({ ok: false, error: { code: 'unavailable', message: 'refused: the sender is not the app window' } });
  });

  it('serves the trusted page and stops when unbridged', async () => {
    const ipc = createInMemoryIpc(rendererUrl);
    const unbridge = bridgeIpc(ipc.ipcMain, core(), ipc.webContents, (url) => isTrustedSender(url, rendererUrl));
    const bridge = createPreloadBridge(ipc.ipcRenderer);
    const outcome = await bridge.invoke('app.info', {});
    expect(outcome.ok && (outcome.value as { electronVersion: string }).electronVersion).toBe('39.0.0');
    unbridge();
    await expect(bridge.invoke('app.info', {})).rejects.toThrow(/No handler/);
  });

  it('exposes to the page exactly invoke and subscribe', () => {
    const ipc = createInMemoryIpc(rendererUrl);
    expect(Object.keys(createPreloadBridge(ipc.ipcRenderer)).sort()).toEqual(['invoke', 'subscribe']);
  });
});
