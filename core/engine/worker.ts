/**
 * The worker thread that owns every ONNX Runtime session. run() is synchronous and blocks for as long as the
 * model computes, so it never runs on the main thread; tensors that stay between runs (parameters, optimizer
 * state, KV caches) are kept here as resident tensors and never cross the thread boundary. On WebGPU they stay in
 * device memory (session-options.ts) and move between memories only through a copy program (copy-program.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { copyProgram } from './copy-program';
import { type OutputPlacement, placementKey, putLocation, sessionOptions } from './session-options';
import type { Feed, HostTensor, Reply, RequestMessage, WorkerConfig } from './protocol';
import { errorMessage } from '../error-message';

const config = workerData as WorkerConfig;
const sessions = new Map<string, ort.InferenceSession>();
const resident = new Map<string, ort.Tensor>();
/** The copy program's sessions, by program and placement; created on first use. */
const copiers = new Map<string, ort.InferenceSession>();

function toOrt(t: HostTensor): ort.Tensor {
  return new ort.Tensor(t.dtype, t.data, t.dims);
}

/** Only for tensors in CPU memory: getData() or .data on a device tensor aborts natively instead of throwing. */
function toHost(t: ort.Tensor): HostTensor {
  if (t.location !== 'cpu') throw new Error(`an output came back in ${t.location} memory; the engine reads CPU tensors only`);
  return { dtype: t.type as HostTensor['dtype'], dims: [...t.dims], data: t.data as HostTensor['data'] };
}

/** The tensor's values copied by running the copy program, the copy placed in CPU memory or on the device. */
async function copy(t: ort.Tensor, to: 'cpu' | 'gpu-buffer'): Promise<ort.Tensor> {
  const program = copyProgram(t.type as HostTensor['dtype'], t.dims.length);
  const placement: OutputPlacement = to === 'cpu' ? 'cpu' : { y: to };
  const key = program.key + placementKey(placement);
  let s = copiers.get(key);
  if (!s) {
    const options = { ...sessionOptions(config.provider, 1, placement), graphOptimizationLevel: program.optimization };
    s = await ort.InferenceSession.create(program.bytes, options);
    copiers.set(key, s);
  }
  return (await s.run({ x: t }, ['y'])).y!;
}

/** A resident tensor's values: directly when it is in CPU memory, else copied out by the copy program. */
async function readResident(t: ort.Tensor): Promise<HostTensor> {
  if (t.location === 'cpu' && !config.copyThroughProgram) return toHost(t);
  return toHost(await copy(t, 'cpu'));
}

/** A tensor put from the host, moved to where it stays (session-options.ts putLocation). */
async function putResident(h: HostTensor): Promise<ort.Tensor> {
  const to = putLocation(config.provider, h.dtype, h.data.length, config.keepOnDevice);
  if (to === 'cpu' && !config.copyThroughProgram) return toOrt(h);
  return copy(toOrt(h), to);
}

/** Frees a resident tensor's device buffer once no resident name refers to it (CPU tensors are left to the GC). */
function release(t: ort.Tensor | undefined): void {
  if (!t || t.location !== 'gpu-buffer') return;
  for (const other of resident.values()) if (other === t) return;
  t.dispose();
}

function setResident(name: string, t: ort.Tensor): void {
  const old = resident.get(name);
  resident.set(name, t);
  if (old !== t) release(old);
}

function feedOf(name: string, f: Feed): ort.Tensor {
  if ('resident' in f) {
    const t = resident.get(f.resident);
    if (!t) throw new Error(`input '${name}': no resident tensor '${f.resident}' in the engine worker`);
    return t;
  }
  return toOrt(f);
}

function session(key: string): ort.InferenceSession {
  const s = sessions.get(key);
  if (!s) throw new Error(`program ${key.slice(0, 12)} is not loaded in the engine worker`);
  return s;
}

async function runOnce(
  s: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  outputs: readonly string[],
): Promise<ort.InferenceSession.ReturnType> {
  return s.run(feeds, outputs);
}

async function handle(msg: RequestMessage): Promise<Reply> {
  switch (msg.kind) {
    case 'load': {
      if (!sessions.has(msg.key)) {
        const options = { ...sessionOptions(config.provider, config.intraOpThreads, msg.placement), graphOptimizationLevel: msg.optimization };
        sessions.set(msg.key, await ort.InferenceSession.create(msg.bytes, options));
      }
      return { id: msg.id, ok: true };
    }
    case 'unload':
      await sessions.get(msg.key)?.release();
      sessions.delete(msg.key);
      return { id: msg.id, ok: true };
    case 'put':
      for (const [name, t] of Object.entries(msg.tensors)) setResident(name, await putResident(t));
      return { id: msg.id, ok: true };
    case 'get': {
      const tensors: Record<string, HostTensor> = {};
      for (const name of msg.names) {
        const t = resident.get(name);
        if (!t) throw new Error(`no resident tensor '${name}' in the engine worker`);
        tensors[name] = await readResident(t);
      }
      return { id: msg.id, ok: true, tensors };
    }
    case 'locations':
      return { id: msg.id, ok: true, locations: Object.fromEntries(msg.names.map((n) => [n, resident.get(n)?.location ?? 'absent'])) };
    case 'drop':
      for (const name of msg.names) {
        const t = resident.get(name);
        resident.delete(name);
        release(t);
      }
      return { id: msg.id, ok: true };
    case 'run': {
      const s = session(msg.key);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, f] of Object.entries(msg.feeds)) feeds[name] = feedOf(name, f);
      const wanted = [...new Set([...Object.keys(msg.keep), ...msg.fetch])];
      const result = await runOnce(s, feeds, wanted);
      for (const [out, name] of Object.entries(msg.keep)) setResident(name, result[out]!);
      const tensors: Record<string, HostTensor> = {};
      for (const name of msg.fetch) tensors[name] = toHost(result[name]!);
      return { id: msg.id, ok: true, tensors };
    }
  }
}

// Requests are handled one at a time, in order: a run sees every put sent before it.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (msg: RequestMessage) => {
  queue = queue.then(async () => {
    let reply: Reply;
    try {
      reply = await handle(msg);
    } catch (err) {
      reply = { id: msg.id, ok: false, error: errorMessage(err) };
    }
    parentPort!.postMessage(reply);
  });
});
