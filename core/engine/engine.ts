import { Worker } from 'node:worker_threads';
import type { Program } from './emit';
import type { Feed, HostTensor, ProviderName, Reply, Request, WorkerConfig } from './protocol';
import { verifyProviderOnce } from './provider-check';
import { checkProvider, providerNeeds } from './providers';
import { outputPlacement, placementKey } from './session-options';
import { engineWorkerUrl } from './worker-url';

export interface EngineOptions {
  provider?: ProviderName;
  /** ONNX Runtime intra-op threads; 2 fits the 2-core machines this was measured on. */
  intraOpThreads?: number;
  /**
   * The provider already passed its check (provider-check.ts). Otherwise a non-CPU provider is checked in a child
   * process first (once per process), so a provider that aborts natively fails here instead of killing the app.
   */
  verified?: boolean;
  /**
   * Put and read resident tensors through the copy program even in CPU memory, as those on a GPU always go
   * (copy-program.ts); for tests that prove the copy on the CPU. Default false.
   */
  copyThroughProgram?: boolean;
  /**
   * Keep parameters, optimizer state, KV caches and put weights in device memory between runs where the provider
   * can (WebGPU). Default false: no run of the app or the loop asks onnxruntime-node for device-placed outputs until
   * gpu-check has shown them safe on a real GPU (issue 14: reading one aborts the process); the GPU checks and
   * `bench engine` opt in to measure what residency buys.
   */
  keepOnDevice?: boolean;
}

export interface RunRequest {
  feeds: Record<string, Feed>;
  /** Outputs kept in the worker under a name (output -> resident name), e.g. updated params. */
  keep?: Record<string, string>;
  /** Outputs returned to the caller. */
  fetch?: string[];
}

/**
 * Checks feeds against the program before they reach the runtime: every input fed, nothing extra, and each
 * tensor's dtype, rank and static dims as declared, with every symbol bound to one size across inputs.
 */
function checkFeeds(program: Program, feeds: Record<string, Feed>): void {
  const spec = new Map(program.inputs.map((i) => [i.name, i]));
  for (const i of program.inputs) if (!(i.name in feeds)) throw new Error(`run: input '${i.name}' is not fed`);
  const bound = new Map<string, [number, string]>();
  for (const [name, f] of Object.entries(feeds)) {
    const want = spec.get(name);
    if (!want) throw new Error(`run: the program has no input '${name}'`);
    if ('resident' in f) continue;
    const shape = `[${want.shape.join(', ')}]`;
    if (f.dtype !== want.dtype) throw new Error(`run: input '${name}' is ${f.dtype}, the program takes ${want.dtype}${shape}`);
    if (f.dims.length !== want.shape.length || f.dims.some((d, k) => typeof want.shape[k] === 'number' && d !== want.shape[k])) {
      throw new Error(`run: input '${name}' has dims [${f.dims.join(', ')}], the program takes ${shape}`);
    }
    want.shape.forEach((d, k) => {
      if (typeof d !== 'string') return;
      const prev = bound.get(d);
      if (prev && prev[0] !== f.dims[k]) {
        throw new Error(`run: ${d} is ${prev[0]} in input '${prev[1]}' but ${f.dims[k]} in input '${name}'`);
      }
      bound.set(d, [f.dims[k]!, name]);
    });
    const size = f.dims.reduce((a, b) => a * b, 1);
    if (f.data.length !== size) throw new Error(`run: input '${name}' has ${f.data.length} values for dims [${f.dims.join(', ')}]`);
  }
}

/**
 * The async face of the runtime. A worker thread owns the sessions; each program is loaded once per graph
 * signature (the hash of its ONNX bytes) and cached there. Tensors can live in the worker between runs.
 */
export class Engine {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly loaded = new Map<string, Promise<string>>();
  private dead: string | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly provider: ProviderName,
    private readonly keepOnDevice: boolean,
  ) {
    worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
    });
    const die = (why: string): void => {
      this.dead = why;
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    worker.on('error', (err) => die(`the engine worker crashed: ${err.message}`));
    worker.on('exit', (code) => die(`the engine worker exited (code ${code})`));
  }

  static async start(options: EngineOptions = {}): Promise<Engine> {
    const provider = options.provider ?? 'cpu';
    checkProvider(provider);
    if (provider !== 'cpu' && !options.verified) {
      const check = await verifyProviderOnce(provider);
      if (!check.ok) throw new Error(`execution provider '${provider}' failed its check (it needs ${providerNeeds(provider)}): ${check.detail}`);
    }
    const worker = new Worker(await engineWorkerUrl(), {
      workerData: {
        provider,
        intraOpThreads: options.intraOpThreads ?? 2,
        copyThroughProgram: options.copyThroughProgram ?? false,
        keepOnDevice: options.keepOnDevice ?? false,
      } satisfies WorkerConfig,
    });
    return new Engine(worker, provider, options.keepOnDevice ?? false);
  }

  private async call(req: Request): Promise<Reply & { ok: true }> {
    if (this.dead) throw new Error(this.dead);
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /**
   * Creates the program's session unless one with the same signature exists. `use` says which outputs its runs
   * keep and fetch: on WebGPU, outputs kept and not fetched stay in device memory, and as session options are
   * fixed at creation, each such placement gets its own session (one per program on every other provider).
   */
  load(program: Program, use: Pick<RunRequest, 'keep' | 'fetch'> = {}): Promise<string> {
    const names = program.outputs.map((o) => o.name);
    const placement = outputPlacement(this.provider, names, Object.keys(use.keep ?? {}), use.fetch ?? [], this.keepOnDevice);
    const key = program.key + placementKey(placement);
    let p = this.loaded.get(key);
    if (!p) {
      p = this.call({ kind: 'load', key, bytes: program.bytes, optimization: program.optimization, placement }).then(
        () => key,
        (err: Error) => {
          this.loaded.delete(key);
          throw new Error(
            this.provider === 'cpu'
              ? `onnxruntime rejected the program: ${err.message}`
              : `execution provider '${this.provider}' could not start (it needs ${providerNeeds(this.provider)}): ${err.message}`,
          );
        },
      );
      this.loaded.set(key, p);
    }
    return p;
  }

  async run(program: Program, req: RunRequest): Promise<Record<string, HostTensor>> {
    const key = await this.load(program, req);
    checkFeeds(program, req.feeds);
    const reply = await this.call({ kind: 'run', key, feeds: req.feeds, keep: req.keep ?? {}, fetch: req.fetch ?? [] });
    return reply.tensors ?? {};
  }

  /** Frees the program's sessions in the worker (created again if the program runs later). */
  async unload(program: Program): Promise<void> {
    for (const key of [...this.loaded.keys()].filter((k) => k.startsWith(program.key))) {
      this.loaded.delete(key);
      await this.call({ kind: 'unload', key });
    }
  }

  async put(tensors: Record<string, HostTensor>): Promise<void> {
    await this.call({ kind: 'put', tensors });
  }

  async get(names: string[]): Promise<Record<string, HostTensor>> {
    return (await this.call({ kind: 'get', names })).tensors ?? {};
  }

  /** Frees resident tensors (on a GPU, their device buffers). */
  async drop(names: string[]): Promise<void> {
    await this.call({ kind: 'drop', names });
  }

  /** Where each resident tensor lives ('cpu', 'gpu-buffer', or 'absent'), without reading it. */
  async locations(names: string[]): Promise<Record<string, string>> {
    return (await this.call({ kind: 'locations', names })).locations ?? {};
  }

  async close(): Promise<void> {
    this.dead = 'the engine was closed';
    await this.worker.terminate();
  }
}
