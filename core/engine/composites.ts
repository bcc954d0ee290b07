/** Layers and losses built from the primitives in ops.ts: none needs a gradient rule of its own. */
import { type FloatType, type Tensor, fail, normAxis } from './graph';
import {
  add,
  arange,
  concat,
  div,
  gather,
  gatherElements,
  lessOrEqual,
  logSoftmax,
  matmul,
  mul,
  reshape,
  scalarOf,
  sigmoid,
  slice,
  softmax,
  sqrt,
  squeeze,
  sub,
  sum,
  tanh,
  transpose,
  unsqueeze,
  where,
} from './ops';

export function mean(x: Tensor, axes: readonly number[], keepdims = false): Tensor {
  let n = 1;
  for (const a of axes) {
    const d = x.shape[normAxis('mean', x.site, a, x.rank)]!;
    if (typeof d !== 'number') fail('mean', x.site, `axis ${a} of ${x} is symbolic: divide a sum by a count instead`);
    n *= d;
  }
  return mul(sum(x, axes, keepdims), 1 / n);
}

export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  const y = matmul(x, w);
  return b ? add(y, b) : y;
}

export function layerNorm(x: Tensor, w: Tensor, b: Tensor, eps = 1e-5): Tensor {
  const xc = sub(x, mean(x, [-1], true));
  const variance = mean(mul(xc, xc), [-1], true);
  return add(mul(div(xc, sqrt(add(variance, eps))), w), b);
}

export function rmsNorm(x: Tensor, w: Tensor, eps = 1e-6): Tensor {
  return mul(div(x, sqrt(add(mean(mul(x, x), [-1], true), eps))), w);
}

/** GELU, tanh approximation (GPT-2's); ONNX Runtime fuses this pattern into one kernel. */
export function gelu(x: Tensor): Tensor {
  // sqrt(2/pi) (x + 0.044715 x^3) as x (a x^2 + b): multiplications only (Pow is a slow kernel).
  const b = Math.sqrt(2 / Math.PI);
  const inner = mul(x, add(mul(mul(x, x), 0.044715 * b), b));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/**
 * Mean negative log-likelihood of `targets` (int64, shape [...]) under `logits` ([..., V]), over the positions
 * where `mask` (float, shape [...]) is 1: padded positions of mixed-length batches count for nothing.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, mask?: Tensor): Tensor {
  const picked = squeeze(gatherElements(logSoftmax(logits, -1), unsqueeze(targets, [-1]), -1), [-1]);
  const all = [...Array(picked.rank).keys()];
  if (!mask) {
    return mul(sum(picked, all), -1 / countOf(picked));
  }
  return div(mul(sum(mul(picked, mask), all), -1), sum(mask, all));
}

function countOf(x: Tensor): number {
  let n = 1;
  for (const d of x.shape) {
    if (typeof d !== 'number') fail('crossEntropy', x.site, `${x} has symbolic dims: pass a mask to average over`);
    n *= d;
  }
  return n;
}

/** [T, T] bool, true where query i may attend key j (j <= i); T is dim `axis` of x, static or symbolic. */
export function causalMask(x: Tensor, axis = -2): Tensor {
  const i = arange(x, axis);
  return lessOrEqual(unsqueeze(i, [0]), unsqueeze(i, [1]));
}

/**
 * A bool mask as an additive attention bias of the mask's own (small) shape: 0 where allowed, -1e9 where not rather
 * than -inf, so a fully masked row (padding) stays finite. Adding it passes the gradient through untouched, where a
 * Where on the scores would cost one more pass over [B, H, Tq, Tk] in each direction.
 */
export function maskBias(allowed: Tensor, dtype: FloatType = 'float32'): Tensor {
  return where(allowed, scalarOf(0, dtype), -1e9);
}

/**
 * Scaled dot-product attention with grouped queries: q [B, H, Tq, D] against k and v [B, K, Tk, D], H a multiple of
 * K; `bias` additive, broadcastable to [B, H, Tq, Tk] (a [T, T] causal bias, a [B, 1, 1, Tk] key mask, their sum).
 * The G = H / K query heads of a group share one key/value head: grouping q as [B, K, G, Tq, D] lets the matmul
 * broadcast over G instead of copying k and v. The scale goes on q, the smaller operand.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, bias?: Tensor | null): Tensor {
  const [B, H, T, D] = q.shape;
  const K = k.shape[1]!;
  if (typeof D !== 'number') fail('attention', q.site, `head size must be static, got ${q}`);
  if (typeof H !== 'number' || typeof K !== 'number' || H % K) fail('attention', q.site, `query heads must be a static multiple of key/value heads: ${q} vs ${k}`);
  const qs = mul(q, 1 / Math.sqrt(D));
  if (H === K) {
    let scores = matmul(qs, transpose(k, [0, 1, 3, 2])); // (B, H, Tq, Tk)
    if (bias) scores = add(scores, bias);
    return matmul(softmax(scores, -1), v); // (B, H, Tq, D)
  }
  const G = H / K;
  const qg = reshape(qs, [B!, K, G, T!, D]); // (B, K, G, Tq, D)
  let scores = matmul(qg, unsqueeze(transpose(k, [0, 1, 3, 2]), [2])); // (B, K, G, Tq, Tk)
  if (bias) scores = add(scores, bias.rank === 4 ? unsqueeze(bias, [2]) : bias); // (B, 1, 1, 1, Tk) or (Tq, Tk)
  const y = matmul(softmax(scores, -1), unsqueeze(v, [2])); // (B, K, G, Tq, D)
  return reshape(y, [B!, H, T!, D]); // (B, H, Tq, D)
}

/**
 * Rotary position embedding on x [B, H, T, D] at integer positions [B, T] (or [T]), from precomputed cos/sin
 * tables [maxLen, D/2]: pairs (i, i + D/2) rotate by angle pos * base^(-2i/D), as in Llama's rotate_half form.
 */
export function rotary(x: Tensor, positions: Tensor, cosTable: Tensor, sinTable: Tensor): Tensor {
  const d = x.shape[x.rank - 1]!;
  if (typeof d !== 'number' || d % 2) fail('rotary', x.site, `head size must be static and even, got ${x}`);
  const half = d / 2;
  const cos = unsqueeze(gather(cosTable, positions), [-3]); // (B, 1, T, D/2)
  const sin = unsqueeze(gather(sinTable, positions), [-3]);
  const x1 = slice(x, -1, 0, half);
  const x2 = slice(x, -1, half, d);
  return concat([sub(mul(x1, cos), mul(x2, sin)), add(mul(x1, sin), mul(x2, cos))], -1);
}

/**
 * cos and sin tables for rotary(): [maxLen, D/2] each. `scaled` replaces the frequencies base^(-2i/D) (scaled
 * rotary positions) and multiplies both tables by its attention factor.
 */
export function rotaryTables(
  maxLen: number,
  headSize: number,
  base = 10000,
  scaled?: { invFreq: Float64Array; attentionFactor: number },
): { cos: Float32Array; sin: Float32Array } {
  const half = headSize / 2;
  const cos = new Float32Array(maxLen * half);
  const sin = new Float32Array(maxLen * half);
  const m = scaled?.attentionFactor ?? 1;
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * (scaled ? scaled.invFreq[i]! : base ** (-(2 * i) / headSize));
      cos[p * half + i] = m * Math.cos(angle);
      sin[p * half + i] = m * Math.sin(angle);
    }
  }
  return { cos, sin };
}
