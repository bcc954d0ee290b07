import { spawn, type ChildProcess } from 'node:child_process';

export interface SpawnedApp {
  process: ChildProcess;
  url: string;
  /** Everything the process printed to stdout up to the URL. */
  banner: string;
  stop(): Promise<void>;
}

/** Starts a command that prints the web-mode URL, and resolves once it has. */
export function spawnApp(args: string[], timeoutMs = 30_000): Promise<SpawnedApp> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The launcher runs the server as a child of its own: end the whole group.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no URL after ${timeoutMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = stdout.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)?.[0];
      if (url) {
        clearTimeout(timer);
        resolve({ process: child, url, banner: stdout, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a URL; stderr: ${stderr}`));
    });
  });
}
