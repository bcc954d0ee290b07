/**
 * LoRA adapters on a Hugging Face base: which matrices get them (PEFT's `target_modules` names: q_proj, v_proj,
 * ...), the hash that ties a run's adapters to the exact base they were trained on, and the merge back into full
 * weights (W + A @ B, our (in, out) layout) for sampling, scoring and export. A run's checkpoints keep only the
 * adapters and new heads, with the base's path and hash: a base that changed on disk is refused, not silently used.
 * The update is scaled by alpha / r (the model config's loraScale) in training, merging and export alike, as PEFT
 * scales it, so a rank can change without retuning the learning rate.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { HostTensor } from '../engine/protocol';
import { checkWeights, ModelFileError, type ModelBase } from './model-weights';
import { importHfModel } from './hf-import';
import { weightFiles } from './hf-weights';
import { type Head, type TransformerConfig, transformerShapes } from './transformer';

/** PEFT's default targets for Llama and Qwen2: the attention's query and value projections. */
export const defaultLoraModules = ['q_proj', 'v_proj'] as const;

/** The parameter names (ours) of every matrix whose module name is in `modules`. */
export function loraTargetNames(config: TransformerConfig, modules: readonly string[], heads: readonly Head[] = ['lm']): string[] {
  const specs = transformerShapes(config, heads);
  const names = Object.keys(specs).filter((n) => specs[n]!.shape.length === 2 && modules.some((m) => n.endsWith(`.${m}.weight`)));
  const unknown = modules.filter((m) => !names.some((n) => n.endsWith(`.${m}.weight`)));
  if (unknown.length > 0) throw new Error(`LoRA target modules ${JSON.stringify(unknown)} are not matrices of a ${config.arch} model (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)`);
  return names;
}

const hashes = new Map<string, { stamp: string; sha256: string }>();

/** sha256 over config.json and every weight file of the base, remembered per file sizes and times. */
export function baseHash(dir: string): string {
  const files = [join(dir, 'config.json'), ...weightFiles(dir).files];
  const stamp = files.map((f) => `${f}:${statSync(f).size}:${statSync(f).mtimeMs}`).join('|');
  const known = hashes.get(dir);
  if (known?.stamp === stamp) return known.sha256;
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(16 * 1024 ** 2);
  for (const f of files) {
    const fd = openSync(f, 'r');
    try {
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
  const sha256 = hash.digest('hex');
  hashes.set(dir, { stamp, sha256 });
  return sha256;
}

export function modelBase(dir: string): ModelBase {
  return { path: dir, sha256: baseHash(dir) };
}

/** W (in, out) + scale * A (in, r) @ B (r, out), as a new tensor (scale: the model config's loraScale, alpha / r). */
export function mergeLora(w: HostTensor, a: HostTensor, b: HostTensor, scale = 1): HostTensor {
  const [rows, cols] = w.dims as [number, number];
  const r = a.dims[1]!;
  const W = w.data as Float32Array;
  const A = a.data as Float32Array;
  const B = b.data as Float32Array;
  const out = W.slice();
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < r; k++) {
      const aik = scale * A[i * r + k]!;
      if (aik === 0) continue;
      const row = i * cols;
      const bRow = k * cols;
      for (let j = 0; j < cols; j++) out[row + j]! += aik * B[bRow + j]!;
    }
  }
  return { dtype: 'float32', dims: [rows, cols], data: out };
}

/**
 * Full weights of an adapter checkpoint: its base re-imported (and checked against the recorded hash), every
 * `<name>.lora_A` / `.lora_B` pair merged into `<name>` at the config's loraScale, the saved heads added.
 */
export function mergeAdapters(file: string, base: ModelBase, config: TransformerConfig, heads: readonly Head[], saved: Record<string, HostTensor>): Record<string, HostTensor> {
  const sha256 = baseHash(base.path);
  if (sha256 !== base.sha256) throw new ModelFileError(`${file}: its base ${base.path} has changed since the adapters were trained (sha256 ${sha256.slice(0, 12)}, expected ${base.sha256.slice(0, 12)})`);
  const imported = importHfModel(base.path, { maxSeqLen: config.maxSeqLen });
  const tensors: Record<string, HostTensor> = { ...imported.tensors };
  for (const [name, t] of Object.entries(saved)) {
    if (name.endsWith('.lora_B')) continue;
    if (name.endsWith('.lora_A')) {
      const target = name.slice(0, -'.lora_A'.length);
      const b = saved[`${target}.lora_B`];
      const w = tensors[target];
      if (!b || !w) throw new ModelFileError(`${file}: adapter '${name}' has no ${b ? `base weight '${target}'` : `'${target}.lora_B'`}`);
      tensors[target] = mergeLora(w, t, b, config.loraScale ?? 1);
    } else {
      tensors[name] = t;
    }
  }
  // A reward-only model does not keep a separate LM head it never reads.
  if (!heads.includes('lm')) delete tensors['lm_head.weight'];
  checkWeights(file, config, heads, tensors);
  return tensors;
}


/**
 * Two sets of adapters on the same base as one of their summed rank: A = [A1 | A2], B = [B1 ; B2], so that
 * A @ B = A1 @ B1 + A2 @ B2 and the merge (at one scale) is exactly the base plus both updates. This is how a PPO
 * policy trained on the SFT generator's merged weights is stored as plain adapters on the Hugging Face base (no chain
 * of checkpoints to follow). Tensors other than adapters come from `second`.
 */
export function stackAdapters(first: Record<string, HostTensor>, second: Record<string, HostTensor>): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(second)) {
    const isA = name.endsWith('.lora_A');
    if (!isA && !name.endsWith('.lora_B')) {
      out[name] = t;
      continue;
    }
    const f = first[name];
    if (!f) throw new Error(`adapters: '${name}' has no counterpart to stack on (both sets need the same target modules)`);
    out[name] = isA ? concatColumns(f, t) : { dtype: 'float32', dims: [f.dims[0]! + t.dims[0]!, t.dims[1]!], data: concatData(f, t) };
  }
  return out;
}

/** The `second` of stackAdapters(first, second), given first's rank: each adapter's trailing columns of A and rows of B. */
export function adaptersAfter(stacked: Record<string, HostTensor>, firstRank: number): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(stacked)) {
    const [rows, cols] = t.dims as [number, number];
    if (name.endsWith('.lora_A')) {
      const r = cols - firstRank;
      const src = t.data as Float32Array;
      const data = new Float32Array(rows * r);
      for (let i = 0; i < rows; i++) data.set(src.subarray(i * cols + firstRank, (i + 1) * cols), i * r);
      out[name] = { dtype: 'float32', dims: [rows, r], data };
    } else if (name.endsWith('.lora_B')) {
      out[name] = { dtype: 'float32', dims: [rows - firstRank, cols], data: (t.data as Float32Array).slice(firstRank * cols) };
    } else {
      out[name] = t;
    }
  }
  return out;
}

function concatData(a: HostTensor, b: HostTensor): Float32Array {
  const out = new Float32Array((a.data as Float32Array).length + (b.data as Float32Array).length);
  out.set(a.data as Float32Array);
  out.set(b.data as Float32Array, (a.data as Float32Array).length);
  return out;
}

function concatColumns(a: HostTensor, b: HostTensor): HostTensor {
  const rows = a.dims[0]!;
  const [ca, cb] = [a.dims[1]!, b.dims[1]!];
  const A = a.data as Float32Array;
  const B = b.data as Float32Array;
  const data = new Float32Array(rows * (ca + cb));
  for (let i = 0; i < rows; i++) {
    data.set(A.subarray(i * ca, (i + 1) * ca), i * (ca + cb));
    data.set(B.subarray(i * cb, (i + 1) * cb), i * (ca + cb) + ca);
  }
  return { dtype: 'float32', dims: [rows, ca + cb], data };
}
