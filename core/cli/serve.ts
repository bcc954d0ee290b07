import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WorkerHost } from '../host/worker-host';
import { startWebServer } from '../server/web-server';

export interface ServeOptions {
  workspace: string;
  /** null: the default port, or the next free one after it. */
  port: number | null;
}

const DEFAULT_PORT = 8571;
const PORT_TRIES = 20;

/** `rewardranker serve`: the core in a worker, the UI and API on 127.0.0.1 behind a token. */
export async function serve(options: ServeOptions): Promise<void> {
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(`the renderer is not built (${rendererDir}index.html is missing): run \`npm run build\``);
  }
  mkdirSync(options.workspace, { recursive: true });
  const core = new WorkerHost({ mode: 'web', workspace: options.workspace, electronVersion: null });
  const log = (message: string): void => console.error(`[serve] ${message}`);

  let server;
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? DEFAULT_PORT + attempt;
    try {
      server = await startWebServer({ core, rendererDir, port, log });
      break;
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || options.port !== null || attempt + 1 >= PORT_TRIES) {
        await core.close();
        throw inUse ? new Error(`port ${port} on 127.0.0.1 is in use: pass another --port`) : err;
      }
    }
  }

  console.log(`RewardRanker Studio (web mode) is running at:\n  ${server.url}`);
  console.log('Open that URL in a browser; the token in it is the password. Ctrl+C stops the server.');
  const stop = async (): Promise<void> => {
    // A loop mid-stage or a browser holding its socket open must not keep a stopped server alive (the store is
    // kill -9 safe, so leaving mid-stage loses nothing committed): exit within seconds whatever is still running.
    setTimeout(() => process.exit(0), 5_000).unref();
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
