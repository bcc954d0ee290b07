/**
 * Sampling with the KV cache: prompts are left-padded into batches of N rows each (every prompt's N samples in
 * the same batch), prefilled once, then decoded one token per step with the cache resident in the engine worker.
 * Each row draws from its own generator seeded by (seed, prompt, sample), so a sample does not depend on which
 * other prompts shared its batch.
 */
import { z } from 'zod';
import type { Engine } from '../engine/engine';
import type { Feed, HostTensor } from '../engine/protocol';
import { Rng } from '../engine/rng';
import { type ModelRef, decodeProgram, feedsFor, prefillProgram } from './programs';
import type { SpecialIds, TextTokenizer } from './tokenizers';

export const samplingConfigSchema = z
  .object({
    n: z.number().int().positive().default(8).describe('samples per prompt'),
    temperature: z.number().nonnegative().default(1).describe('softmax temperature; 0 picks the most likely token'),
    topP: z.number().gt(0).lte(1).default(1).describe('nucleus sampling: smallest set of tokens whose probability reaches topP'),
    topK: z.number().int().nonnegative().default(0).describe('keep only the k most likely tokens; 0 keeps all'),
    maxNewTokens: z.number().int().positive().default(64).describe('tokens generated at most per sample'),
    stop: z.array(z.string().min(1)).default([]).describe("stop sequences (MultiPL-E's stop_tokens): the completion ends before the first one"),
    seed: z.number().int().nonnegative().default(0).describe('the same seed, model and prompts give the same samples'),
    rowsPerBatch: z.number().int().positive().default(64).describe('rows decoded together (prompts x n, whole prompts per batch)'),
  })
  .strict();
export type SamplingConfig = z.output<typeof samplingConfigSchema>;

export type FinishReason = 'eos' | 'stop' | 'length';

export interface Sample {
  /** Index of the prompt in the list given. */
  prompt: number;
  /** 0..n-1 within the prompt. */
  sample: number;
  /** The generated tokens, the end-of-sequence token included when one was drawn. */
  tokens: number[];
  /** log p(token) under the sampling temperature's distribution (before top-k/top-p truncation): what PPO needs. */
  logprobs: number[];
  /** The completion text: decoded tokens cut before the first stop sequence, without the end-of-sequence token. */
  text: string;
  finish: FinishReason;
}

export interface Progress {
  done: number;
  total: number;
}

/** A 32-bit mix of the seed, prompt and sample numbers (murmur3's finaliser over a running hash). */
function rowSeed(seed: number, prompt: number, sample: number): number {
  let h = 0x811c9dc5;
  for (const v of [seed, prompt, sample]) {
    h = Math.imul(h ^ (v >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/**
 * Draws a token from one row of logits. Returns the token and its log-probability under softmax(logits / T).
 * Temperature 0 is greedy (log-prob under T = 1).
 */
export function drawToken(logits: Float32Array, cfg: Pick<SamplingConfig, 'temperature' | 'topK' | 'topP'>, rng: Rng): { token: number; logprob: number } {
  const V = logits.length;
  const t = cfg.temperature > 0 ? cfg.temperature : 1;
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[v]! > max) max = logits[v]!;
  const probs = new Float64Array(V);
  let z = 0;
  for (let v = 0; v < V; v++) {
    probs[v] = Math.exp((logits[v]! - max) / t);
    z += probs[v]!;
  }
  const logprobOf = (tok: number): number => (logits[tok]! - max) / t - Math.log(z);
  if (cfg.temperature === 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[v]! > logits[best]!) best = v;
    return { token: best, logprob: logprobOf(best) };
  }
  let candidates: number[] | null = null;
  if (cfg.topK > 0 || cfg.topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    let keep = cfg.topK > 0 ? Math.min(cfg.topK, V) : V;
    if (cfg.topP < 1) {
      let mass = 0;
      for (let i = 0; i < keep; i++) {
        mass += probs[order[i]!]! / z;
        if (mass >= cfg.topP) {
          keep = i + 1;
          break;
        }
      }
    }
    candidates = order.slice(0, keep);
  }
  const pool = candidates ?? null;
  let total = 0;
  if (pool) for (const v of pool) total += probs[v]!;
  else total = z;
  let r = rng.uniform() * total;
  const list = pool ?? Array.from({ length: V }, (_, i) => i);
  let token = list[list.length - 1]!;
  for (const v of list) {
    r -= probs[v]!;
    if (r < 0) {
      token = v;
      break;
    }
  }
  return { token, logprob: logprobOf(token) };
}

/**
 * N samples for each prompt. `prompts` are token lists (begin-of-sequence included by the caller: see
 * promptTokens). Returns samples in prompt order, then sample order.
 */
export async function sampleTokens(
  engine: Engine,
  model: ModelRef,
  tokenizer: TextTokenizer,
  special: SpecialIds,
  prompts: readonly number[][],
  config: SamplingConfig,
  options: { onProgress?: (p: Progress) => void } = {},
): Promise<Sample[]> {
  const { n } = config;
  const perBatch = Math.max(1, Math.floor(config.rowsPerBatch / n));
  const out: Sample[] = [];
  for (let first = 0; first < prompts.length; first += perBatch) {
    const group = prompts.slice(first, first + perBatch).map((tokens, i) => ({ index: first + i, tokens }));
    out.push(...(await sampleBatch(engine, model, tokenizer, special, group, config)));
    options.onProgress?.({ done: Math.min(first + perBatch, prompts.length), total: prompts.length });
  }
  return out;
}

async function sampleBatch(
  engine: Engine,
  model: ModelRef,
  tokenizer: TextTokenizer,
  special: SpecialIds,
  group: { index: number; tokens: number[] }[],
  config: SamplingConfig,
): Promise<Sample[]> {
  const n = config.n;
  const rows = group.flatMap((g) => Array.from({ length: n }, (_, s) => ({ prompt: g.index, sample: s, tokens: g.tokens })));
  const B = rows.length;
  const rngs = rows.map((r) => new Rng(rowSeed(config.seed, r.prompt, r.sample)));
  const samples: Sample[] = rows.map((r) => ({ prompt: r.prompt, sample: r.sample, tokens: [], logprobs: [], text: '', finish: 'length' }));
  const done = new Array<boolean>(B).fill(false);
  const V = model.config.vocabSize;
  // Draw, check stops, feed the drawn tokens back.
  await decodeSteps(engine, model, rows.map((r) => r.tokens), special.pad, config.maxNewTokens, (logits) => {
    const drawn = new Array<number>(B);
    for (let b = 0; b < B; b++) {
      if (done[b]) {
        drawn[b] = special.pad;
        continue;
      }
      const { token, logprob } = drawToken(logits.subarray(b * V, (b + 1) * V), config, rngs[b]!);
      const s = samples[b]!;
      s.tokens.push(token);
      s.logprobs.push(logprob);
      drawn[b] = token;
      if (special.stop.includes(token)) {
        s.finish = 'eos';
        done[b] = true;
        continue;
      }
      const text = tokenizer.decode(s.tokens);
      const cut = firstStop(text, config.stop);
      s.text = cut === null ? text : text.slice(0, cut);
      if (cut !== null) {
        s.finish = 'stop';
        done[b] = true;
      }
    }
    return done.every(Boolean) ? null : drawn;
  });
  return samples;
}

let batches = 0;

/**
 * The decoding loop with the KV cache, for a batch of prompts of any lengths: left-pad them (positions count real
 * tokens only), prefill, then one step per new token. `next` gets each step's last-position logits (B, V) and
 * answers the token to feed each row, or null to stop; at most `maxNewTokens` steps (fewer where the model's
 * positions run out). The cache lives in the engine worker for the loop's duration.
 */
export async function decodeSteps(
  engine: Engine,
  model: ModelRef,
  prompts: readonly (readonly number[])[],
  pad: number,
  maxNewTokens: number,
  next: (logits: Float32Array, step: number) => readonly number[] | null,
): Promise<void> {
  const cfg = model.config;
  const prefill = prefillProgram(model);
  const decode = decodeProgram(model);
  const B = prompts.length;
  const T = Math.max(...prompts.map((r) => r.length));
  const maxNew = Math.min(maxNewTokens, cfg.maxSeqLen - T);
  if (maxNew <= 0) throw new Error(`sampling: a prompt of ${T} tokens leaves no room in the model's ${cfg.maxSeqLen} positions`);

  // 1. left-pad the prompts; positions count real tokens only
  const idx = new BigInt64Array(B * T);
  const pos = new BigInt64Array(B * T);
  const S = T + maxNew;
  const keyMask = new Float32Array(B * S);
  const nextPos: number[] = [];
  prompts.forEach((tokens, b) => {
    const padding = T - tokens.length;
    for (let t = 0; t < T; t++) {
      const real = t >= padding;
      idx[b * T + t] = BigInt(real ? tokens[t - padding]! : pad);
      pos[b * T + t] = BigInt(real ? t - padding : 0);
      keyMask[b * S + t] = real ? 1 : 0;
    }
    nextPos.push(tokens.length);
  });
  const maskUpTo = (len: number): HostTensor => {
    const data = new Float32Array(B * len);
    for (let b = 0; b < B; b++) data.set(keyMask.subarray(b * S, b * S + len), b * len);
    return { dtype: 'float32', dims: [B, len], data };
  };

  // 2. prefill; the cache stays in the worker under this batch's names
  const prefix = `sample${batches++}/`;
  const keep: Record<string, string> = {};
  const pastFeeds: Record<string, Feed> = {};
  for (let l = 0; l < cfg.nLayer; l++) {
    for (const kv of ['k', 'v']) {
      keep[`present.${l}.${kv}`] = `${prefix}past.${l}.${kv}`;
      pastFeeds[`past.${l}.${kv}`] = { resident: `${prefix}past.${l}.${kv}` };
    }
  }
  let result = await engine.run(prefill, {
    feeds: {
      ...feedsFor(prefill, model),
      idx: { dtype: 'int64', dims: [B, T], data: idx },
      pos: { dtype: 'int64', dims: [B, T], data: pos },
      key_mask: maskUpTo(T),
      last: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(T - 1)) },
    },
    keep,
    fetch: ['logits'],
  });

  // 3. decode: ask for the next tokens, feed them back
  try {
    for (let step = 0; step < maxNew; step++) {
      const tokens = next(result.logits!.data as Float32Array, step);
      if (tokens === null || step === maxNew - 1) break;
      const p = new BigInt64Array(B);
      for (let b = 0; b < B; b++) {
        keyMask[b * S + T + step] = 1;
        p[b] = BigInt(nextPos[b]!++);
      }
      result = await engine.run(decode, {
        feeds: {
          ...feedsFor(decode, model),
          ...pastFeeds,
          idx: { dtype: 'int64', dims: [B, 1], data: BigInt64Array.from(tokens, BigInt) },
          pos: { dtype: 'int64', dims: [B, 1], data: p },
          key_mask: maskUpTo(T + step + 1),
        },
        keep,
        fetch: ['logits'],
      });
    }
  } finally {
    await engine.drop(Object.values(keep));
  }
}

function firstStop(text: string, stops: readonly string[]): number | null {
  let best: number | null = null;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (best === null || i < best)) best = i;
  }
  return best;
}

/**
 * The tokens a prompt is given to the model as: begin-of-sequence, then the prompt text (a chat template that
 * places the bos itself is not given a second one).
 */
export function promptTokens(tokenizer: TextTokenizer, special: SpecialIds, prompt: string): number[] {
  const body = tokenizer.encode(prompt);
  return body[0] === special.bos ? body : [special.bos, ...body];
}
