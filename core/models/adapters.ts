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

