/**
 * The decoder transformer, in one file, read top to bottom like nanoGPT's model.py. Two families share it:
 * - 'llama' / 'qwen2': pre-norm RMSNorm, rotary positions, SwiGLU MLP, grouped-query attention (nKvHead < nHead);
 *   Qwen2 adds biases on q, k and v. Parameter names are Hugging Face's without the `model.` prefix.
 * - 'gpt2': learned positions, LayerNorm, GELU MLP, fused c_attn (nanoGPT / Hugging Face GPT-2 names).
 * Heads on the final hidden states: LM (tied to the embedding or its own lm_head), a scalar reward read at the last
 * non-pad token, a value per token, a process reward per token (read at line ends).
 * Every linear weight is stored (in, out) so a layer is x @ W + b; the importer transposes Hugging Face's (out, in).
 * B = batch, T = new positions, P = cached positions, S = P + T, C = nEmbd, H = nHead, K = nKvHead, D = C / H,
 * V = vocabSize.
 */
import { z } from 'zod';
import { attention, causalMask, crossEntropy, gelu, layerNorm, linear, maskBias, rmsNorm, rotary, rotaryTables, silu } from '../engine/composites';
import type { Tensor } from '../engine/graph';
import { loraWeight } from '../engine/lora';
import {
  add,
  arange,
  cast,
  concat,
  constant,
  div,
  equal,
  gather,
  gatherElements,
  input,
  logSoftmax,
  matmul,
  mul,
  reshape,
  slice,
  squeeze,
  sub,
  sum,
  transpose,
  unsqueeze,
} from '../engine/ops';
import { Rng } from '../engine/rng';
import { ropeFrequencies, ropeScalingSchema } from './rope-scaling';
import type { ParamSpec } from '../engine/trainer';

export const architectures = ['llama', 'qwen2', 'gpt2'] as const;
export type Architecture = (typeof architectures)[number];

export const heads = ['lm', 'reward', 'value', 'prm'] as const;
export type Head = (typeof heads)[number];

/** Parameter names of one block. */
interface BlockNames {
  norm1: string;
  norm2: string;
  /** GPT-2's fused (C, 3C) q/k/v projection, which q, k and v then name too (they are slices of it); null: three. */
  qkv: string | null;
  q: string;
  k: string;
  v: string;
  out: string;
  /** SwiGLU's gate; null: a GELU MLP. */
  gate: string | null;
  up: string;
  down: string;
}

/**
 * What sets the families apart, in one table: parameter names and the choice at each step. Everything below reads
 * this table, never the architecture's name.
 */
interface ArchSpec {
  /** The token embedding (V, C), also the tied LM head. */
  embed: string;
  /** Learned positions (maxSeqLen, C); null: rotary positions on q and k. */
  positionEmbed: string | null;
  norm: 'layerNorm' | 'rmsNorm';
  /** Biases on every linear layer and norm (GPT-2); otherwise none, q/k/v aside (qkvBias). */
  biases: boolean;
  /** Default of qkvBias. */
  qkvBias: boolean;
  groupedQuery: boolean;
  /** MLP width when intermediateSize is null. */
  mlpSize: (C: number) => number;
  finalNorm: string;
  block: (l: number) => BlockNames;
}

const llamaSpec: ArchSpec = {
  embed: 'embed_tokens.weight',
  positionEmbed: null,
  norm: 'rmsNorm',
  biases: false,
  qkvBias: false,
  groupedQuery: true,
  mlpSize: (C) => Math.ceil((8 * C) / 3 / 32) * 32,
  finalNorm: 'norm',
  block: (l) => ({
    norm1: `layers.${l}.input_layernorm`,
    norm2: `layers.${l}.post_attention_layernorm`,
    qkv: null,
    q: `layers.${l}.self_attn.q_proj`,
    k: `layers.${l}.self_attn.k_proj`,
    v: `layers.${l}.self_attn.v_proj`,
    out: `layers.${l}.self_attn.o_proj`,
    gate: `layers.${l}.mlp.gate_proj`,
    up: `layers.${l}.mlp.up_proj`,
    down: `layers.${l}.mlp.down_proj`,
  }),
};

export const archSpecs: Record<Architecture, ArchSpec> = {
  llama: llamaSpec,
  qwen2: { ...llamaSpec, qkvBias: true },
  gpt2: {
    embed: 'wte',
    positionEmbed: 'wpe',
    norm: 'layerNorm',
    biases: true,
    qkvBias: true,
    groupedQuery: false,
    mlpSize: (C) => 4 * C,
    finalNorm: 'ln_f',
    block: (l) => ({
      norm1: `h.${l}.ln_1`,
      norm2: `h.${l}.ln_2`,
      qkv: `h.${l}.attn.c_attn`,
      q: `h.${l}.attn.c_attn`,
      k: `h.${l}.attn.c_attn`,
      v: `h.${l}.attn.c_attn`,
      out: `h.${l}.attn.c_proj`,
      gate: null,
      up: `h.${l}.mlp.c_fc`,
      down: `h.${l}.mlp.c_proj`,
    }),
  },
};

export const transformerConfigSchema = z
  .object({
    arch: z.enum(architectures).default('llama').describe('llama/qwen2: RMSNorm, rotary, SwiGLU; gpt2: LayerNorm, learned positions, GELU'),
    vocabSize: z.number().int().positive().default(512).describe('tokens in the vocabulary (the tokenizer decides)'),
    maxSeqLen: z.number().int().positive().default(256).describe('longest sequence (rotary table or position embedding rows)'),
    nLayer: z.number().int().positive().default(4).describe('transformer blocks'),
    nHead: z.number().int().positive().default(4).describe('attention heads'),
    nKvHead: z.number().int().positive().nullable().default(null).describe('key/value heads (grouped-query attention); null: nHead'),
    nEmbd: z.number().int().positive().default(128).describe('hidden width'),
    intermediateSize: z.number().int().positive().nullable().default(null).describe('MLP width; null: 4 x nEmbd for gpt2, 8/3 x nEmbd rounded to 32 for llama'),
    ropeTheta: z.number().positive().default(10000).describe('rotary base'),
    ropeScaling: ropeScalingSchema.optional().describe("scaled rotary positions (Hugging Face's rope_scaling: linear, llama3, yarn); absent: unscaled"),
    normEps: z.number().positive().default(1e-5).describe('RMSNorm / LayerNorm epsilon'),
    qkvBias: z.boolean().nullable().default(null).describe('biases on q, k, v projections; null: true for qwen2 only'),
    tieEmbeddings: z.boolean().default(true).describe('LM head shares the token embedding'),
    loraScale: z
      .number()
      .positive()
      .optional()
      .describe("LoRA's alpha / r: the factor on every adapter's update A @ B, as PEFT scales it (absent: 1, the adapters of runs from before alpha was in the graph)"),
    rewardLogProbWeight: z
      .number()
      .nonnegative()
      .default(0)
      .describe("reward = head at the last token + this x the sequence's mean next-token log-prob (0: head only); rewardLogProbSource says under which LM"),
    rewardLogProbSource: z
      .enum(['own', 'generator'])
      .default('own')
      .describe(
        "the LM of the log-prob term: 'own' (the reranker's LM head, which drifts as training moves the backbone) or 'generator' (a frozen copy of the SFT generator inside the reranker, tensors 'generator.*')",
      ),
  })
  .strict();

export type TransformerConfig = z.output<typeof transformerConfigSchema>;
export type TransformerConfigInput = z.input<typeof transformerConfigSchema>;

export function transformerConfig(input: TransformerConfigInput = {}): TransformerConfig {
  const cfg = transformerConfigSchema.parse(input);
  if (cfg.nEmbd % cfg.nHead) throw new Error(`model config: nEmbd ${cfg.nEmbd} is not a multiple of nHead ${cfg.nHead}`);
  if (cfg.nHead % kvHeads(cfg)) throw new Error(`model config: nHead ${cfg.nHead} is not a multiple of nKvHead ${kvHeads(cfg)}`);
  const spec = archSpecs[cfg.arch];
  if (spec.positionEmbed === null && headSize(cfg) % 2) throw new Error(`model config: head size ${headSize(cfg)} must be even for rotary`);
  if (!spec.groupedQuery && cfg.nKvHead !== null && cfg.nKvHead !== cfg.nHead) throw new Error(`model config: ${cfg.arch} has no grouped-query attention`);
  return cfg;
}

export const headSize = (cfg: TransformerConfig): number => cfg.nEmbd / cfg.nHead;
export const kvHeads = (cfg: TransformerConfig): number => cfg.nKvHead ?? cfg.nHead;
export const hasQkvBias = (cfg: TransformerConfig): boolean => cfg.qkvBias ?? archSpecs[cfg.arch].qkvBias;
export const mlpSize = (cfg: TransformerConfig): number => cfg.intermediateSize ?? archSpecs[cfg.arch].mlpSize(cfg.nEmbd);

export type Params = Record<string, Tensor>;

/** Cached keys and values of one layer: (B, K, P, D) each. */
export interface LayerCache {
  k: Tensor;
  v: Tensor;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters

/**
 * Shapes and initial values: N(0, 0.02), residual output projections scaled by 1/sqrt(2 nLayer) (GPT-2's rule),
 * norms at 1, biases at 0, heads at 0 so a fresh reward/value head starts neutral.
 */
export function transformerParams(cfg: TransformerConfig, withHeads: readonly Head[] = ['lm'], seed = 0, values = true): Record<string, ParamSpec> {
  const rng = new Rng(seed);
  const specs: Record<string, ParamSpec> = {};
  const none = new Float32Array(0);
  const normal = (name: string, shape: number[], std = 0.02): void => {
    specs[name] = { shape, init: values ? rng.normal(shape.reduce((a, b) => a * b, 1), std) : none };
  };
  const fill = (name: string, shape: number[], value: number): void => {
    specs[name] = { shape, init: values ? new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) : none };
  };
  const spec = archSpecs[cfg.arch];
  const C = cfg.nEmbd;
  const kv = kvHeads(cfg) * headSize(cfg);
  const F = mlpSize(cfg);
  const projStd = 0.02 / Math.sqrt(2 * cfg.nLayer);
  const norm = (name: string): void => {
    fill(`${name}.weight`, [C], 1);
    if (spec.biases) fill(`${name}.bias`, [C], 0);
  };
  const linearParams = (name: string, shape: [number, number], std = 0.02, bias = spec.biases): void => {
    normal(`${name}.weight`, shape, std);
    if (bias) fill(`${name}.bias`, [shape[1]], 0);
  };
  normal(spec.embed, [cfg.vocabSize, C]);
  if (spec.positionEmbed) normal(spec.positionEmbed, [cfg.maxSeqLen, C]);
  for (let l = 0; l < cfg.nLayer; l++) {
    const n = spec.block(l);
    norm(n.norm1);
    if (n.qkv) {
      linearParams(n.qkv, [C, C + 2 * kv], 0.02, hasQkvBias(cfg));
    } else {
      for (const [name, width] of [[n.q, C], [n.k, kv], [n.v, kv]] as const) normal(`${name}.weight`, [C, width]);
      if (hasQkvBias(cfg)) for (const [name, width] of [[n.q, C], [n.k, kv], [n.v, kv]] as const) fill(`${name}.bias`, [width], 0);
    }
    linearParams(n.out, [C, C], projStd);
    norm(n.norm2);
    if (n.gate) linearParams(n.gate, [C, F]);
    linearParams(n.up, [C, F]);
    linearParams(n.down, [F, C], projStd);
  }
  norm(spec.finalNorm);
  if (withHeads.includes('lm') && !cfg.tieEmbeddings) normal('lm_head.weight', [C, cfg.vocabSize]);
  for (const head of ['reward', 'value', 'prm'] as const) {
    if (!withHeads.includes(head)) continue;
    fill(`${head}_head.weight`, [C, 1], 0);
    fill(`${head}_head.bias`, [1], 0);
  }
  if (withHeads.includes('reward') && hasFrozenGenerator(cfg)) {
    // The frozen generator: the same backbone and LM head, never trained; the caller puts the generator's weights in.
    for (const [name, spec] of Object.entries(transformerParams({ ...cfg, rewardLogProbWeight: 0 }, ['lm'], seed))) {
      specs[`${generatorPrefix}${name}`] = { ...spec, trainable: false };
    }
  }
  return specs;
}

/** Where a reranker keeps its frozen copy of the generator (rewardLogProbSource 'generator'). */
export const generatorPrefix = 'generator.';
export const hasFrozenGenerator = (cfg: TransformerConfig): boolean => cfg.rewardLogProbWeight > 0 && cfg.rewardLogProbSource === 'generator';

/**
 * Every parameter's shape, without drawing initial values: what checks, estimates and LoRA target lists of a
 * large imported model need (drawing 0.5B normal values only to read their shapes takes minutes).
 */
export function transformerShapes(cfg: TransformerConfig, withHeads: readonly Head[] = ['lm']): Record<string, { shape: number[] }> {
  return transformerParams(cfg, withHeads, 0, false);
}

/** Parameter count (what the model card calls "a few million parameters"). */
export function parameterCount(specs: Record<string, { shape: number[] }>): number {
  return Object.values(specs).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** A weight by name, merged with its LoRA update when the params carry one (`<name>.lora_A` / `.lora_B`). */
function weight(cfg: TransformerConfig, p: Params, name: string): Tensor {
  const w = p[name];
  if (!w) throw new Error(`model: parameter '${name}' is missing`);
  const a = p[`${name}.lora_A`];
  const b = p[`${name}.lora_B`];
  return a && b ? loraWeight(w, a, b, cfg.loraScale ?? 1) : w;
}

// ---------------------------------------------------------------------------------------------------------------
// Attention

/** (B, T, n*D) -> (B, n, T, D) */
function splitHeads(x: Tensor, n: number, D: number): Tensor {
  const [B, T] = x.shape;
  return transpose(reshape(x, [B!, T!, n, D]), [0, 2, 1, 3]);
}

/**
 * Additive attention bias: causal among the T new positions when there is no cache; `keyMask` (B, S) float 1/0
 * hides padded keys (-1e9, finite, so a fully padded row stays finite).
 */
function attentionBias(q: Tensor, causal: boolean, keyMask?: Tensor): Tensor | null {
  let bias: Tensor | null = causal ? maskBias(causalMask(q)) : null; // (T, T)
  if (keyMask) {
    const keys = unsqueeze(mul(sub(keyMask, 1), 1e9), [1, 2]); // (B, 1, 1, S)
    bias = bias ? add(bias, keys) : keys;
  }
  return bias;
}

interface Positions {
  /** Token positions (B, T) or (T) int64. */
  pos: Tensor;
  /** Rotary tables (maxSeqLen, D/2), for the families with rotary positions. */
  cos?: Tensor;
  sin?: Tensor;
}

function selfAttention(
  cfg: TransformerConfig,
  p: Params,
  l: number,
  x: Tensor,
  at: Positions,
  past: LayerCache | undefined,
  keyMask: Tensor | undefined,
): { y: Tensor; cache: LayerCache } {
  const [B, T, C] = x.shape;
  const H = cfg.nHead;
  const K = kvHeads(cfg);
  const D = headSize(cfg);
  const n = archSpecs[cfg.arch].block(l);
  const project = (name: string, heads: number, from: number): Tensor => {
    if (!n.qkv) return splitHeads(linear(x, weight(cfg, p, `${name}.weight`), p[`${name}.bias`]), heads, D);
    // Slicing the fused (C, C + 2KD) weight rather than the (B, T, C + 2KD) product keeps the backward padding on
    // the small weight.
    const [w, b] = [weight(cfg, p, `${n.qkv}.weight`), p[`${n.qkv}.bias`]];
    const to = from + heads * D;
    return splitHeads(linear(x, slice(w, 1, from, to), b && slice(b, 0, from, to)), heads, D);
  };
  let q = project(n.q, H, 0); // (B, H, T, D)
  let k = project(n.k, K, cfg.nEmbd); // (B, K, T, D)
  let v = project(n.v, K, cfg.nEmbd + K * D);
  if (at.cos && at.sin) {
    q = rotary(q, at.pos, at.cos, at.sin);
    k = rotary(k, at.pos, at.cos, at.sin);
  }
  if (past) {
    k = concat([past.k, k], 2); // (B, K, S, D)
    v = concat([past.v, v], 2);
  }
  const y = attention(q, k, v, attentionBias(q, !past, keyMask)); // (B, H, T, D)
  const merged = reshape(transpose(y, [0, 2, 1, 3]), [B!, T!, C!]); // (B, T, C)
  return { y: linear(merged, weight(cfg, p, `${n.out}.weight`), p[`${n.out}.bias`]), cache: { k, v } };
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

function mlp(cfg: TransformerConfig, p: Params, l: number, x: Tensor): Tensor {
  const n = archSpecs[cfg.arch].block(l);
  const up = linear(x, weight(cfg, p, `${n.up}.weight`), p[`${n.up}.bias`]); // (B, T, F)
  const hidden = n.gate ? mul(silu(linear(x, weight(cfg, p, `${n.gate}.weight`))), up) : gelu(up); // (B, T, F)
  return linear(hidden, weight(cfg, p, `${n.down}.weight`), p[`${n.down}.bias`]); // (B, T, C)
}

function norm(cfg: TransformerConfig, p: Params, name: string, x: Tensor): Tensor {
  return archSpecs[cfg.arch].norm === 'layerNorm'
    ? layerNorm(x, p[`${name}.weight`]!, p[`${name}.bias`]!, cfg.normEps)
    : rmsNorm(x, p[`${name}.weight`]!, cfg.normEps);
}

/** One pre-norm block: x + attention(norm1(x)), then + mlp(norm2(x)). */
export function block(cfg: TransformerConfig, p: Params, l: number, x: Tensor, at: Positions, past?: LayerCache, keyMask?: Tensor): { x: Tensor; cache: LayerCache } {
  const n = archSpecs[cfg.arch].block(l);
  const attn = selfAttention(cfg, p, l, norm(cfg, p, n.norm1, x), at, past, keyMask);
  const x1 = add(x, attn.y);
  return { x: add(x1, mlp(cfg, p, l, norm(cfg, p, n.norm2, x1))), cache: attn.cache };
}

export interface ForwardOptions {
  /** Positions (B, T) int64; default 0..T-1 for every row (right padding, no cache). */
  pos?: Tensor;
  /** Each layer's cached keys and values; the new tokens follow them. */
  past?: LayerCache[];
  /** (B, S) float, 1 for real keys and 0 for padding (left-padded prompts in a batch). */
  keyMask?: Tensor;
}

/** Rotary tables as constants of the program: (maxSeqLen, D/2). */
export function rotaryConstants(cfg: TransformerConfig): { cos: Tensor; sin: Tensor } {
  const half = headSize(cfg) / 2;
  const scaled = cfg.ropeScaling ? ropeFrequencies(headSize(cfg), cfg.ropeTheta, cfg.ropeScaling) : undefined;
  const { cos, sin } = rotaryTables(cfg.maxSeqLen, headSize(cfg), cfg.ropeTheta, scaled);
  return { cos: constant(cos, [cfg.maxSeqLen, half], 'float32'), sin: constant(sin, [cfg.maxSeqLen, half], 'float32') };
}

/** idx (B, T) int64 -> final hidden states (B, T, C) after the last norm, and every layer's keys and values. */
export function transformerHidden(cfg: TransformerConfig, p: Params, idx: Tensor, options: ForwardOptions = {}): { hidden: Tensor; cache: LayerCache[] } {
  const spec = archSpecs[cfg.arch];
  const pos = options.pos ?? arange(idx, 1); // (B, T) or (T)
  let x = gather(p[spec.embed]!, idx); // (B, T, C)
  const at: Positions = { pos };
  if (spec.positionEmbed) x = add(x, gather(p[spec.positionEmbed]!, pos));
  else Object.assign(at, rotaryConstants(cfg));
  const cache: LayerCache[] = [];
  for (let l = 0; l < cfg.nLayer; l++) {
    const out = block(cfg, p, l, x, at, options.past?.[l], options.keyMask);
    x = out.x;
    cache.push(out.cache);
  }
  const hidden = norm(cfg, p, archSpecs[cfg.arch].finalNorm, x);
  return { hidden, cache };
}

// ---------------------------------------------------------------------------------------------------------------
// Heads

/** (B, T, C) -> (B, T, V) */
export function lmLogits(cfg: TransformerConfig, p: Params, hidden: Tensor): Tensor {
  if (!cfg.tieEmbeddings) return matmul(hidden, weight(cfg, p, 'lm_head.weight'));
  return matmul(hidden, transpose(p[archSpecs[cfg.arch].embed]!, [1, 0]));
}

/** A scalar per position from one of the (C, 1) heads: (B, T, C) -> (B, T). */
export function scalarHead(p: Params, head: 'reward' | 'value' | 'prm', hidden: Tensor): Tensor {
  return squeeze(linear(hidden, p[`${head}_head.weight`]!, p[`${head}_head.bias`]), [2]);
}

/**
 * The reward: the reward head read at each row's last real token. mask (B, T) float, 1 on tokens, 0 on the right
 * padding. The one-hot of position sum(mask) - 1 picks it with a multiply, which needs no gradient rule.
 */
export function rewardAtLastToken(p: Params, hidden: Tensor, mask: Tensor): Tensor {
  const perToken = scalarHead(p, 'reward', hidden); // (B, T)
  const last = cast(sub(sum(mask, [1], true), 1), 'int64'); // (B, 1)
  const oneHot = cast(equal(unsqueeze(arange(mask, 1), [0]), last), 'float32'); // (B, T)
  return sum(mul(perToken, oneHot), [1]); // (B)
}

/**
 * Mean log-prob of each real token given the ones before it, under the model's own LM head: (B). A reranker that
 * starts as the generator thus starts from the generator's likelihood, a reranking signal of its own. The shift by
 * one is a product with a shift matrix, so the sequence length stays symbolic.
 */
export function meanTokenLogProb(cfg: TransformerConfig, p: Params, hidden: Tensor, idx: Tensor, mask: Tensor): Tensor {
  // x @ M with M[s][t] = 1 iff s = t + 1 shifts a row left by one (0 at the end), keeping T symbolic.
  const i = arange(idx, 1);
  const M = cast(equal(unsqueeze(i, [1]), add(unsqueeze(i, [0]), 1)), 'float32'); // (T, T)
  const next = cast(matmul(cast(idx, 'float32'), M), 'int64'); // (B, T): idx[:, t + 1]
  const nextMask = matmul(mask, M); // (B, T)
  const logp = squeeze(gatherElements(logSoftmax(lmLogits(cfg, p, hidden), -1), unsqueeze(next, [-1]), -1), [-1]); // (B, T)
  return div(sum(mul(logp, nextMask), [1]), add(sum(nextMask, [1]), 1e-6));
}

/**
 * The reranker's score: the reward head at the last token, plus the weighted mean log-prob when configured, under
 * its own LM head or under the frozen generator it carries. The log-prob averages the completion's tokens (and
 * eos) given the prompt, marked 1 in `completionMask`: over the whole sequence, the prompt's tokens (the same for
 * every candidate of a problem) dilute it by each candidate's length, which reordered a quarter of the pairs the
 * completion's own likelihood orders right (76% against 95% on the studio run's store).
 */
export function rewardScore(cfg: TransformerConfig, p: Params, hidden: Tensor, idx: Tensor, mask: Tensor, completionMask: Tensor | undefined): Tensor {
  const r = rewardAtLastToken(p, hidden, mask);
  if (cfg.rewardLogProbWeight === 0) return r;
  if (!completionMask) throw new Error("reward score: the log-prob term needs the completion's mask");
  const logProb = hasFrozenGenerator(cfg) ? generatorLogProb(cfg, p, idx, completionMask) : meanTokenLogProb(cfg, p, hidden, idx, completionMask);
  return add(r, mul(logProb, cfg.rewardLogProbWeight));
}

/** The mean token log-prob under the frozen generator a reranker carries: (B). Constant during reranker training. */
export function generatorLogProb(cfg: TransformerConfig, p: Params, idx: Tensor, mask: Tensor): Tensor {
  const g: Params = {};
  for (const [name, t] of Object.entries(p)) if (name.startsWith(generatorPrefix)) g[name.slice(generatorPrefix.length)] = t;
  return meanTokenLogProb(cfg, g, transformerHidden(cfg, g, idx).hidden, idx, mask);
}

/** log sigmoid(x), stable for any x: the second entry of log_softmax([0, x]). */
export function logSigmoid(x: Tensor): Tensor {
  const pair = concat([unsqueeze(mul(x, 0), [-1]), unsqueeze(x, [-1])], -1); // (..., 2)
  return squeeze(slice(logSoftmax(pair, -1), -1, 1, 2), [-1]);
}

// ---------------------------------------------------------------------------------------------------------------
// Losses (graph builders for the Trainer): each takes params and a batch of named inputs.

/** Causal LM: next-token cross entropy where mask is 1 (the completion; the prompt and padding are 0). */
export function lmLoss(cfg: TransformerConfig, p: Params, x: Params): Tensor {
  const { hidden } = transformerHidden(cfg, p, x.idx!);
  return crossEntropy(lmLogits(cfg, p, hidden), x.targets!, x.mask);
}

export const lmLossInputs = {
  idx: { shape: ['B', 'T'], dtype: 'int64' },
  targets: { shape: ['B', 'T'], dtype: 'int64' },
  mask: { shape: ['B', 'T'], dtype: 'float32' },
} as const;

/**
 * Bradley-Terry over pairs: -w log sigmoid(r+ - r- - margin), weighted mean, plus TRL's centring term
 * c * mean((r+ + r-)^2) that keeps rewards near zero. Chosen and rejected rows run through the same weights.
 */
export function bradleyTerryLoss(cfg: TransformerConfig, p: Params, x: Params, centerCoefficient: number): Tensor {
  const chosen = rewardScore(cfg, p, transformerHidden(cfg, p, x.chosen!).hidden, x.chosen!, x.chosenMask!, x.chosenCompletion); // (B)
  const rejected = rewardScore(cfg, p, transformerHidden(cfg, p, x.rejected!).hidden, x.rejected!, x.rejectedMask!, x.rejectedCompletion); // (B)
  const w = x.weight!;
  const margin = x.margin!;
  const nll = mul(logSigmoid(sub(sub(chosen, rejected), margin)), -1); // (B)
  let loss = div(sum(mul(nll, w), [0]), sum(w, [0]));
  if (centerCoefficient > 0) {
    const s = add(chosen, rejected);
    loss = add(loss, mul(div(sum(mul(s, s), [0]), sum(add(mul(w, 0), 1), [0])), centerCoefficient));
  }
  return loss;
}

export const bradleyTerryInputs = {
  chosen: { shape: ['B', 'Tc'], dtype: 'int64' },
  chosenMask: { shape: ['B', 'Tc'], dtype: 'float32' },
  rejected: { shape: ['B', 'Tr'], dtype: 'int64' },
  rejectedMask: { shape: ['B', 'Tr'], dtype: 'float32' },
  /** 1 on the completion's tokens and eos: what the log-prob term averages (unused, so not an input, without it). */
  chosenCompletion: { shape: ['B', 'Tc'], dtype: 'float32' },
  rejectedCompletion: { shape: ['B', 'Tr'], dtype: 'float32' },
  weight: { shape: ['B'], dtype: 'float32' },
  margin: { shape: ['B'], dtype: 'float32' },
} as const;

/**
 * Process reward: mean squared error of the PRM head at line-end tokens against the line's label (the paper's
 * regression: +1 the prefix through this line can still be completed into a passing program, -1 it cannot, 0 a
 * blank or comment line). lineMask (B, T) is 1 at labelled line ends.
 */
export function prmLoss(cfg: TransformerConfig, p: Params, x: Params): Tensor {
  const values = scalarHead(p, 'prm', transformerHidden(cfg, p, x.idx!).hidden); // (B, T)
  const err = sub(values, x.labels!);
  return div(sum(mul(mul(err, err), x.lineMask!), [0, 1]), sum(x.lineMask!, [0, 1]));
}

export const prmLossInputs = {
  idx: { shape: ['B', 'T'], dtype: 'int64' },
  labels: { shape: ['B', 'T'], dtype: 'float32' },
  lineMask: { shape: ['B', 'T'], dtype: 'float32' },
} as const;


/** Decoding step inputs: one new token per row at its position, the key mask over S, and each layer's cache. */
export function decodeInputs(cfg: TransformerConfig): { idx: Tensor; pos: Tensor; keyMask: Tensor; past: LayerCache[] } {
  const K = kvHeads(cfg);
  const D = headSize(cfg);
  const past = Array.from({ length: cfg.nLayer }, (_, l) => ({
    k: input(`past.${l}.k`, ['B', K, 'P', D]),
    v: input(`past.${l}.v`, ['B', K, 'P', D]),
  }));
  return { idx: input('idx', ['B', 1], 'int64'), pos: input('pos', ['B', 1], 'int64'), keyMask: input('key_mask', ['B', 'P+1']), past };
}
