import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { contentSecurityPolicy } from '../core/api/security-policy';
import { WorkerHost } from '../core/host/worker-host';
import { bridgeIpc } from './ipc-bridge';
import { isTrustedSender } from './trusted-sender';
import { buildWindowOptions } from './window-options';

// The desktop shell stays thin: a window, its security, and the bridge to the core worker. Everything else is core/.
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererFile = join(here, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererFile).href;
const preloadFile = join(here, '../preload/preload.cjs');

app.enableSandbox();

function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
}

function createWindow(core: WorkerHost): void {
  const window = new BrowserWindow(buildWindowOptions(preloadFile));
  const contents = window.webContents;
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links the user clicks (docs, papers) open in their browser; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const unbridge = bridgeIpc(ipcMain, core, contents, (frameUrl) => isTrustedSender(frameUrl, rendererUrl));
  window.on('closed', unbridge);
  window.once('ready-to-show', () => window.show());
  void window.loadFile(rendererFile);
}

void app.whenReady().then(() => {
  lockDownSession();
  // `npm start -- --workspace DIR` opens that workspace (a run made by `rewardranker iterate`); else the app's own.
  const flag = process.argv.indexOf('--workspace');
  const workspace = flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]!) : join(app.getPath('userData'), 'workspace');
  const core = new WorkerHost({ mode: 'desktop', workspace, electronVersion: process.versions.electron ?? null });
  createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(core);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void core.close());
});
