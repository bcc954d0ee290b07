/**
 * AdamW inside the graph: decoupled weight decay and global-norm gradient clipping, written with the same
 * primitives as the model, so one ONNX run computes loss, gradients and the parameter update.
 */
import type { Tensor } from './graph';
import { add, div, exp, greater, input, mul, sqrt, sub, sum, where } from './ops';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay, applied only to params marked for decay (matrices, by default). */
  weightDecay: number;
  /** Clip the global gradient norm to this; 0 turns clipping off. */
  clipNorm: number;
}

export const defaultAdamW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clipNorm: 1 };

export interface OptimizedParam {
  name: string;
  value: Tensor;
  grad: Tensor;
  decay: boolean;
}

export interface AdamWGraph {
  /** Inputs fed per step: learning rate and the 1-based step number (both float32 scalars). */
  lr: Tensor;
  step: Tensor;
  /** name -> [new param, new m, new v]; m and v come in as inputs named `m.<name>` and `v.<name>`. */
  updates: Map<string, [Tensor, Tensor, Tensor]>;
  gradNorm: Tensor;
}

export function globalNorm(grads: readonly Tensor[]): Tensor {
  const squares = grads.map((g) => sum(mul(g, g), [...Array(g.rank).keys()]));
  return sqrt(squares.reduce((a, b) => add(a, b)));
}

export function adamw(params: readonly OptimizedParam[], cfg: AdamWConfig): AdamWGraph {
  const lr = input('lr', []);
  const step = input('step', []);
  const gradNorm = globalNorm(params.map((p) => p.grad));
  const clip = cfg.clipNorm > 0 ? where(greater(gradNorm, cfg.clipNorm), div(cfg.clipNorm, add(gradNorm, 1e-6)), 1) : null;
  // PyTorch's form: p *= 1 - lr*wd; p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), with bc = 1 - beta^step.
  const bc1 = sub(1, exp(mul(step, Math.log(cfg.beta1))));
  const bc2 = sub(1, exp(mul(step, Math.log(cfg.beta2))));
  const stepSize = div(lr, bc1);
  const sqrtBc2 = sqrt(bc2);
  const updates = new Map<string, [Tensor, Tensor, Tensor]>();
  for (const p of params) {
    const g = clip ? mul(p.grad, clip) : p.grad;
    const m = input(`m.${p.name}`, p.value.shape);
    const v = input(`v.${p.name}`, p.value.shape);
    const m2 = add(mul(m, cfg.beta1), mul(g, 1 - cfg.beta1));
    const v2 = add(mul(v, cfg.beta2), mul(mul(g, g), 1 - cfg.beta2));
    const decayed = p.decay && cfg.weightDecay > 0 ? mul(p.value, sub(1, mul(lr, cfg.weightDecay))) : p.value;
    const denom = add(div(sqrt(v2), sqrtBc2), cfg.eps);
    updates.set(p.name, [sub(decayed, mul(stepSize, div(m2, denom))), m2, v2]);
  }
  return { lr, step, updates, gradNorm };
}

/** Linear warmup to `peak`, then cosine decay to `min` at `total` steps; `step` is 1-based. */
export function warmupCosine(step: number, o: { peak: number; min?: number; warmup: number; total: number }): number {
  const min = o.min ?? 0;
  if (step <= o.warmup) return (o.peak * step) / Math.max(1, o.warmup);
  const progress = Math.min(1, (step - o.warmup) / Math.max(1, o.total - o.warmup));
  return min + 0.5 * (o.peak - min) * (1 + Math.cos(Math.PI * progress));
}
