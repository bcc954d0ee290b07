/**
 * A GPT in the style of nanoGPT's model.py, written with the engine's graph builder: learned position
 * embeddings, pre-norm blocks (LayerNorm, causal self-attention, GELU MLP), a final LayerNorm and an LM head
 * tied to the token embedding. B = batch, T = sequence, C = nEmbd, H = nHead, D = C / H, V = vocabSize, P = cached
 * positions. Parameter names follow nanoGPT/Hugging Face GPT-2 (`h.0.attn.c_attn.weight`, ...), weights stored
 * as (in, out) so a linear layer is x @ W + b.
 */
import { attention, causalMask, crossEntropy, gelu, layerNorm, linear } from '../engine/composites';
import type { Tensor } from '../engine/graph';
import { loraWeight } from '../engine/lora';
import { concat, gather, input, matmul, reshape, slice, transpose, add } from '../engine/ops';
import { Rng } from '../engine/rng';
import type { ParamSpec } from '../engine/trainer';

export interface GPTConfig {
  vocabSize: number;
  /** Longest sequence (rows of the position embedding). */
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

export const defaultGPTConfig: GPTConfig = { vocabSize: 512, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 256 };

export type Params = Record<string, Tensor>;

/**
 * Keys and values of one layer, position-major: (P, B, H, D) each. With positions outermost, the cache of the
 * first P positions is a prefix of one growing buffer, so a decoding step appends to it without copying it.
 */
export interface LayerCache {
  k: Tensor;
  v: Tensor;
}

/** nanoGPT's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * nLayer), zero biases. */
export function gptParams(cfg: GPTConfig, seed = 0): Record<string, ParamSpec> {
  const rng = new Rng(seed);
  const C = cfg.nEmbd;
  const specs: Record<string, ParamSpec> = {};
  const normal = (name: string, shape: number[], std = 0.02): void => {
    specs[name] = { shape, init: rng.normal(shape[0]! * (shape[1] ?? 1), std) };
  };
  const fill = (name: string, n: number, value: number): void => {
    specs[name] = { shape: [n], init: new Float32Array(n).fill(value) };
  };
  normal('wte', [cfg.vocabSize, C]);
  normal('wpe', [cfg.blockSize, C]);
  const projStd = 0.02 / Math.sqrt(2 * cfg.nLayer);
  for (let l = 0; l < cfg.nLayer; l++) {
    const h = `h.${l}`;
    fill(`${h}.ln_1.weight`, C, 1);
    fill(`${h}.ln_1.bias`, C, 0);
    normal(`${h}.attn.c_attn.weight`, [C, 3 * C]);
    fill(`${h}.attn.c_attn.bias`, 3 * C, 0);
    normal(`${h}.attn.c_proj.weight`, [C, C], projStd);
    fill(`${h}.attn.c_proj.bias`, C, 0);
    fill(`${h}.ln_2.weight`, C, 1);
    fill(`${h}.ln_2.bias`, C, 0);
    normal(`${h}.mlp.c_fc.weight`, [C, 4 * C]);
    fill(`${h}.mlp.c_fc.bias`, 4 * C, 0);
    normal(`${h}.mlp.c_proj.weight`, [4 * C, C], projStd);
    fill(`${h}.mlp.c_proj.bias`, C, 0);
  }
  fill('ln_f.weight', C, 1);
  fill('ln_f.bias', C, 0);
  return specs;
}

/** A weight by name, merged with its LoRA update when the params carry one (`<name>.lora_A` / `.lora_B`). */
function weight(p: Params, name: string): Tensor {
  const a = p[`${name}.lora_A`];
  const b = p[`${name}.lora_B`];
  return a && b ? loraWeight(p[name]!, a, b) : p[name]!;
}

/** (B, T, C) -> (B, H, T, D) */
function splitHeads(cfg: GPTConfig, x: Tensor): Tensor {
  const [B, T] = x.shape;
  const y = reshape(x, [B!, T!, cfg.nHead, cfg.nEmbd / cfg.nHead]); // (B, T, H, D)
  return transpose(y, [0, 2, 1, 3]); // (B, H, T, D)
}

/**
 * Causal self-attention of one block. Without a cache the T positions attend causally among themselves; with
 * one, the (single) new position attends to the cached positions and itself. Returns the new positions' keys and
 * values in cache layout.
 */
function selfAttention(cfg: GPTConfig, p: Params, h: string, x: Tensor, past?: LayerCache): { y: Tensor; cache: LayerCache } {
  const [B, T, C] = x.shape;
  // c_attn keeps nanoGPT's (C, 3C) layout. Training slices the weight rather than the (B, T, 3C) product, which
  // keeps the backward pass's padding on the small weight gradient (measured: faster step); a decoding step
  // (T = 1, no backward) slices its tiny product instead of copying the weight every token.
  const w = weight(p, `${h}.attn.c_attn.weight`);
  const b = p[`${h}.attn.c_attn.bias`]!;
  const qkv = past ? linear(x, w, b) : null; // (B, 1, 3C)
  const part = (i: number): Tensor => {
    const [from, to] = [i * cfg.nEmbd, (i + 1) * cfg.nEmbd];
    const y = qkv ? slice(qkv, -1, from, to) : linear(x, slice(w, 1, from, to), slice(b, 0, from, to)); // (B, T, C)
    return splitHeads(cfg, y); // (B, H, T, D)
  };
  const q = part(0);
  const k = part(1);
  const v = part(2);
  const toCache = (t: Tensor): Tensor => transpose(t, [2, 0, 1, 3]); // (B, H, T, D) -> (T, B, H, D)
  const fromCache = (t: Tensor): Tensor => transpose(t, [1, 2, 0, 3]); // (P, B, H, D) -> (B, H, P, D)
  const y = past
    ? attention(q, concat([fromCache(past.k), k], 2), concat([fromCache(past.v), v], 2)) // keys (B, H, P+1, D)
    : attention(q, k, v, causalMask(q)); // (B, H, T, D)
  const merged = reshape(transpose(y, [0, 2, 1, 3]), [B!, T!, C!]); // (B, T, C)
  const out = linear(merged, weight(p, `${h}.attn.c_proj.weight`), p[`${h}.attn.c_proj.bias`]);
  return { y: out, cache: { k: toCache(k), v: toCache(v) } };
}

function mlp(p: Params, h: string, x: Tensor): Tensor {
  const hidden = gelu(linear(x, weight(p, `${h}.mlp.c_fc.weight`), p[`${h}.mlp.c_fc.bias`])); // (B, T, 4C)
  return linear(hidden, weight(p, `${h}.mlp.c_proj.weight`), p[`${h}.mlp.c_proj.bias`]); // (B, T, C)
}

export function block(cfg: GPTConfig, p: Params, l: number, x: Tensor, past?: LayerCache): { x: Tensor; cache: LayerCache } {
  const h = `h.${l}`;
  const attn = selfAttention(cfg, p, h, layerNorm(x, p[`${h}.ln_1.weight`]!, p[`${h}.ln_1.bias`]!), past);
  const x1 = add(x, attn.y);
  const x2 = add(x1, mlp(p, h, layerNorm(x1, p[`${h}.ln_2.weight`]!, p[`${h}.ln_2.bias`]!)));
  return { x: x2, cache: attn.cache };
}

/**
 * idx (B, T) int64 tokens at positions pos (B, T) int64 -> logits (B, T, V) and every layer's keys and values
 * of these T positions, (T, B, H, D). With `past` (one token per row), the tokens follow the cached positions.
 */
export function gptForward(cfg: GPTConfig, p: Params, idx: Tensor, pos: Tensor, past?: LayerCache[]): { logits: Tensor; cache: LayerCache[] } {
  let x = add(gather(p.wte!, idx), gather(p.wpe!, pos)); // (B, T, C)
  const cache: LayerCache[] = [];
  for (let l = 0; l < cfg.nLayer; l++) {
    const out = block(cfg, p, l, x, past?.[l]);
    x = out.x;
    cache.push(out.cache);
  }
  x = layerNorm(x, p['ln_f.weight']!, p['ln_f.bias']!);
  const logits = matmul(x, transpose(p.wte!, [1, 0])); // (B, T, V), weights tied with wte
  return { logits, cache };
}

/** The language-model loss: next-token cross entropy over positions where mask (B, T) is 1. */
export function gptLoss(cfg: GPTConfig, p: Params, x: Params): Tensor {
  const { logits } = gptForward(cfg, p, x.idx!, x.pos!);
  return crossEntropy(logits, x.targets!, x.mask);
}

/** The batch inputs of gptLoss, with symbolic batch and sequence dims. */
export const gptLossInputs = {
  idx: { shape: ['B', 'T'], dtype: 'int64' },
  pos: { shape: ['B', 'T'], dtype: 'int64' },
  targets: { shape: ['B', 'T'], dtype: 'int64' },
  mask: { shape: ['B', 'T'], dtype: 'float32' },
} as const;

/** Inputs of a decoding step: one new token per row, its position, and each layer's cache (P, B, H, D). */
export function decodeInputs(cfg: GPTConfig): { idx: Tensor; pos: Tensor; past: LayerCache[] } {
  const D = cfg.nEmbd / cfg.nHead;
  const past = Array.from({ length: cfg.nLayer }, (_, l) => ({
    k: input(`past.${l}.k`, ['P', 'B', cfg.nHead, D]),
    v: input(`past.${l}.v`, ['P', 'B', cfg.nHead, D]),
  }));
  return { idx: input('idx', ['B', 1], 'int64'), pos: input('pos', ['B', 1], 'int64'), past };
}
