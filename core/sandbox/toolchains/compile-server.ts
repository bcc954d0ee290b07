import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { baseEnv, BWRAP, bwrapArgs, dropRoot } from '../isolation/bwrap-args';
import { ensureToolchainRoot } from './cache-root';

export interface CompileServerSpec {
  /** The server command inside the sandbox; it answers one tab-separated line per request line, id first. */
  argv: string[];
  env?: Record<string, string>;
  readOnlyPaths: string[];
  /** Memory for the server's private temp dir (a tmpfs). */
  tempDirBytes: number;
}

/**
 * A long-lived compiler process in its own sandbox (no network, read-only system, private temp dir, unprivileged
 * uid, dies with us). It compiles candidates' sources but never runs them, so one process can serve them all; if
 * it dies or hangs it is thrown away and the next request starts a new one.
 */
export class CompileServer {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly pending = new Map<string, { resolve: (fields: string[]) => void; reject: (err: Error) => void }>();
  private nextId = 1;

  constructor(private readonly spec: CompileServerSpec) {}

  /** Whether a server can run here at all (bubblewrap present): otherwise languages compile the cold way. */
  static available(): boolean {
    return process.platform === 'linux' && existsSync(BWRAP);
  }

  private start(): ChildProcessWithoutNullStreams {
    const args = bwrapArgs({
      readOnlyPaths: [ensureToolchainRoot(), ...this.spec.readOnlyPaths],
      tempDirBytes: this.spec.tempDirBytes,
      env: baseEnv(this.spec.env),
    });
    const child = spawn(BWRAP, [...args, ...this.spec.argv], { stdio: ['pipe', 'pipe', 'pipe'], ...dropRoot() });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const fields = line.split('\t');
      const waiter = this.pending.get(fields[0] ?? '');
      if (!waiter) return;
      this.pending.delete(fields[0] ?? '');
      waiter.resolve(fields.slice(1));
    });
    const fail = (why: string): void => {
      if (this.child === child) this.child = null;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`compile server ${why}: ${stderr.trim()}`));
      this.pending.clear();
    };
    child.on('error', (err) => fail(`failed to start (${err.message})`));
    child.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
    child.stdin.on('error', () => fail('closed its input'));
    // The server must not keep the process alive once nothing else does.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
    return child;
  }

  /** Sends one request (tab-free fields) and resolves with the reply's fields after the id. */
  request(fields: string[], timeoutMs: number): Promise<string[]> {
    const child = this.child ?? (this.child = this.start());
    const id = String(this.nextId++);
    return new Promise<string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CompileTimeout(timeoutMs));
        // A compile that hangs may hold the server's only thread: start afresh.
        this.close();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      child.stdin.write(`${[id, ...fields].join('\t')}\n`);
    });
  }

  close(): void {
    const child = this.child;
    this.child = null;
    child?.kill('SIGKILL');
  }
}

export class CompileTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`compile did not finish within ${timeoutMs} ms`);
  }
}
