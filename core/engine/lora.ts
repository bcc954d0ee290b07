/**
 * LoRA: a frozen weight W (in, out) plus a trainable low-rank update A (in, r) @ B (r, out), merged in the graph
 * as W + scale * A @ B. The merge costs one small matmul per weight and step, and lets the model use the merged
 * weight wherever it used W (sliced, tied, ...). W stays frozen (an initializer inside the program, or a resident
 * tensor fed by reference: TrainSpec.frozenFeeds); only A and B and their AdamW moments are trained.
 */
import type { Tensor } from './graph';
import { add, matmul, mul } from './ops';
import { Rng } from './rng';
import type { ParamSpec } from './trainer';

export function loraWeight(w: Tensor, a: Tensor, b: Tensor, scale = 1): Tensor {
  return add(w, mul(matmul(a, b), scale));
}

/**
 * Freezes every base parameter and adds `<name>.lora_A` (in, r) ~ N(0, 1/in) and `<name>.lora_B` (r, out) = 0
 * for each target weight, so training starts from exactly the base model.
 */
export function withLora(base: Record<string, ParamSpec>, targets: readonly string[], rank: number, seed = 0): Record<string, ParamSpec> {
  const rng = new Rng(seed);
  const out: Record<string, ParamSpec> = {};
  for (const [name, s] of Object.entries(base)) out[name] = { ...s, trainable: false };
  for (const name of targets) {
    const s = base[name];
    if (!s || s.shape.length !== 2) throw new Error(`LoRA target '${name}' is not a matrix parameter of the model`);
    const [fanIn, fanOut] = s.shape as [number, number];
    out[`${name}.lora_A`] = { shape: [fanIn, rank], init: rng.normal(fanIn * rank, 1 / Math.sqrt(fanIn)), decay: false };
    out[`${name}.lora_B`] = { shape: [rank, fanOut], init: new Float32Array(rank * fanOut), decay: false };
  }
  return out;
}
