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

export function adamw(params: readonly OptimizedParam[], cfg: AdamWConfig): AdamWGraph {
  const lr = input('lr', []);
  const step = input('step', []);
  // Each g*g serves both the global norm and the second moment.
  const squares = params.map((p) => mul(p.grad, p.grad));
  const gradNorm = sqrt(squares.map((g2) => sum(g2, [...Array(g2.rank).keys()])).reduce((a, b) => add(a, b)));
  const clip = cfg.clipNorm > 0 ? where(greater(gradNorm, cfg.clipNorm), div(cfg.clipNorm, add(gradNorm, 1e-6)), 1) : null;
  // PyTorch's AdamW: p *= 1 - lr*wd; p -= (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps), bc = 1 - beta^step.
  // Rewritten so that every per-element op is one pass: scalars (clip factors, bias corrections) fold together:
  // m' = b1 m + (clip (1 - b1)) g, v' = b2 v + (clip^2 (1 - b2)) g^2, p' = p d - (lr sqrt(bc2) / bc1) m' / (sqrt(v') + eps sqrt(bc2)).
  const sqrtBc2 = sqrt(sub(1, exp(mul(step, Math.log(cfg.beta2)))));
  const bc1 = sub(1, exp(mul(step, Math.log(cfg.beta1))));
  const stepSize = div(mul(lr, sqrtBc2), bc1);
  const epsHat = mul(sqrtBc2, cfg.eps);
  const gScale = clip ? mul(clip, 1 - cfg.beta1) : null;
  const g2Scale = clip ? mul(mul(clip, clip), 1 - cfg.beta2) : null;
  const decay = sub(1, mul(lr, cfg.weightDecay));
  const updates = new Map<string, [Tensor, Tensor, Tensor]>();
  params.forEach((p, i) => {
    const m = input(`m.${p.name}`, p.value.shape);
    const v = input(`v.${p.name}`, p.value.shape);
    const m2 = add(mul(m, cfg.beta1), gScale ? mul(p.grad, gScale) : mul(p.grad, 1 - cfg.beta1));
    const v2 = add(mul(v, cfg.beta2), g2Scale ? mul(squares[i]!, g2Scale) : mul(squares[i]!, 1 - cfg.beta2));
    const decayed = p.decay && cfg.weightDecay > 0 ? mul(p.value, decay) : p.value;
    updates.set(p.name, [sub(decayed, mul(div(m2, add(sqrt(v2), epsHat)), stepSize)), m2, v2]);
  });
  return { lr, step, updates, gradNorm };
}

/** Linear warmup to `peak`, then cosine decay to `min` at `total` steps; `step` is 1-based. */
export function warmupCosine(step: number, o: { peak: number; min?: number; warmup: number; total: number }): number {
  const min = o.min ?? 0;
  if (step <= o.warmup) return (o.peak * step) / Math.max(1, o.warmup);
  const progress = Math.min(1, (step - o.warmup) / Math.max(1, o.total - o.warmup));
  return min + 0.5 * (o.peak - min) * (1 + Math.cos(Math.PI * progress));
}
