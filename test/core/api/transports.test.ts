import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe } from 'vitest';
import { WebSocket } from 'ws';
import { SocketTransport } from '../../../core/api/socket-transport';
import { Core } from '../../../core/host/core';
import type { CoreOptions } from '../../../core/host/core-options';
import { WorkerHost } from '../../../core/host/worker-host';
import { startWebServer } from '../../../core/server/web-server';
import { bridgeIpc } from '../../../electron/ipc-bridge';
import { createPreloadBridge } from '../../../electron/preload-bridge';
import { createInMemoryIpc } from '../../support/in-memory-ipc';
import { transportCases } from './transport-cases';

const options = (mode: CoreOptions['mode']): CoreOptions => ({
  mode,
  workspace: mkdtempSync(join(tmpdir(), 'rr-ws-')),
  electronVersion: null,
});
const builtWorker = pathToFileURL(resolve('out/node/core-worker.js'));

describe('in-process core', () => {
  transportCases(async () => ({ transport: new Core(options('web')), close: async () => {} }));
});

describe('core worker thread', () => {
  transportCases(async () => {
    const host = new WorkerHost(options('web'), builtWorker);
    return { transport: host, close: () => host.close() };
  });
});

describe('web mode: WebSocket with token', () => {
  transportCases(async () => {
    const host = new WorkerHost(options('web'), builtWorker);
    const server = await startWebServer({ core: host, rendererDir: resolve('out/renderer'), port: 0 });
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, {
      headers: { Origin: `http://127.0.0.1:${server.port}` },
    });
    const transport = new SocketTransport(socket);
    return {
      transport,
      close: async () => {
        transport.close();
        await server.close();
        await host.close();
      },
    };
  });
});

describe('desktop: Electron IPC bridge and preload', () => {
  transportCases(async () => {
    const rendererUrl = 'file:///opt/rewardranker/out/renderer/index.html';
    const ipc = createInMemoryIpc(rendererUrl);
    const host = new WorkerHost(options('desktop'), builtWorker);
    const unbridge = bridgeIpc(ipc.ipcMain, host, ipc.webContents, (url) => url === rendererUrl);
    return {
      transport: createPreloadBridge(ipc.ipcRenderer),
      close: async () => {
        unbridge();
        await host.close();
      },
    };
  });
});
