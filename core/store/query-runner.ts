import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { QueryResult } from './read-only-query';
import { StoreError } from './store-error';

/**
 * Where the query worker's code is: built beside this module (out/node/query-worker.js), or, run from source
 * (tests), bundled once with esbuild into node_modules/.cache keyed by the sources' hash and written by rename.
 */
async function queryWorkerUrl(): Promise<URL> {
  const built = new URL('./query-worker.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return built;
  const here = dirname(fileURLToPath(import.meta.url));
  if (!existsSync(join(here, 'query-worker.ts'))) throw new Error(`the SQL worker is neither built beside ${here} nor found as query-worker.ts`);
  const sources = ['query-worker.ts', 'read-only-query.ts', 'store-error.ts'].map((f) => readFileSync(join(here, f)));
  const hash = createHash('sha256').update(Buffer.concat(sources)).digest('hex').slice(0, 16);
  const cacheDir = join(here, '..', '..', 'node_modules', '.cache', 'rewardranker');
  const out = join(cacheDir, `query-worker-${hash}.mjs`);
  if (!existsSync(out)) {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [join(here, 'query-worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      write: false,
    });
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0]!.contents);
    renameSync(tmp, out);
  }
  return new URL(`file://${out}`);
}

export interface QueryOptions {
  limit: number;
  timeoutMs: number;
  /** Names the query for cancel(). */
  id?: string | undefined;
}

/**
 * Runs notebook SQL off the caller's thread: each query in a worker of its own that opens the store read-only; a
 * query past its time limit, or cancelled, has its worker terminated (SQLite stops with the thread).
 */
export class QueryRunner {
  private readonly running = new Map<string, () => void>();
  private nextId = 0;

  constructor(private readonly file: string) {}

  async run(sql: string, options: QueryOptions): Promise<QueryResult & { elapsedMs: number }> {
    const id = options.id ?? `query-${this.nextId++}`;
    if (this.running.has(id)) throw new StoreError(this.file, `a query named '${id}' is already running`);
    const url = await queryWorkerUrl();
    const started = performance.now();
    const worker = new Worker(url, { workerData: { file: this.file, sql, limit: options.limit } });
    try {
      return await new Promise<QueryResult & { elapsedMs: number }>((resolve, reject) => {
        const stop = (reason: string): void => {
          void worker.terminate();
          reject(new StoreError(this.file, reason));
        };
        const timer = setTimeout(() => stop(`SQL: stopped after ${options.timeoutMs} ms (the time limit of a SQL cell)`), options.timeoutMs);
        this.running.set(id, () => stop('SQL: cancelled'));
        worker.once('message', (message: { ok: true } & QueryResult | { ok: false; message: string }) => {
          clearTimeout(timer);
          if (message.ok) resolve({ columns: message.columns, rows: message.rows, truncated: message.truncated, elapsedMs: performance.now() - started });
          else reject(new Error(message.message));
        });
        worker.once('error', (err) => {
          clearTimeout(timer);
          reject(new StoreError(this.file, `SQL worker failed: ${err.message}`));
        });
        // Settling twice is harmless: a worker that exits without answering (out of memory) must not leave the call hanging.
        worker.once('exit', (code) => {
          clearTimeout(timer);
          reject(new StoreError(this.file, `SQL worker stopped without an answer (exit code ${code})`));
        });
      });
    } finally {
      this.running.delete(id);
      void worker.terminate();
    }
  }

  /** Stops a running query; false when none by that id runs. */
  cancel(id: string): boolean {
    const stop = this.running.get(id);
    stop?.();
    return stop !== undefined;
  }

  cancelAll(): void {
    for (const stop of this.running.values()) stop();
  }
}
