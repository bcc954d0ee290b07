/**
 * The GPT's programs besides training: a prefill forward that also returns every layer's keys and values, and
 * a one-token decoding step over that cache. Parameters are fed by name (resident tensors in the engine worker).
 */
import { type Program, emitProgram } from '../engine/emit';
import type { Engine } from '../engine/engine';
import type { Tensor } from '../engine/graph';
import { input, param } from '../engine/ops';
import type { Feed, HostTensor } from '../engine/protocol';
import { type GPTConfig, decodeInputs, gptForward } from './gpt';

function paramTensors(names: readonly string[], shapes: Record<string, number[]>): Record<string, Tensor> {
  return Object.fromEntries(names.map((n) => [n, param(n, shapes[n]!)]));
}

function cacheOutputs(cache: { k: Tensor; v: Tensor }[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  cache.forEach((c, l) => Object.assign(out, { [`present.${l}.k`]: c.k, [`present.${l}.v`]: c.v }));
  return out;
}

/** idx, pos (B, T) -> logits (B, T, V) and present.<l>.k / .v (T, B, H, D). */
export function prefillProgram(cfg: GPTConfig, shapes: Record<string, number[]>): Program {
  const p = paramTensors(Object.keys(shapes), shapes);
  const { logits, cache } = gptForward(cfg, p, input('idx', ['B', 'T'], 'int64'), input('pos', ['B', 'T'], 'int64'));
  return emitProgram({ logits, ...cacheOutputs(cache) }, { name: 'prefill' });
}

/** idx, pos (B, 1) and past.<l>.k / .v (P, B, H, D) -> logits (B, 1, V) and the new entries (1, B, H, D). */
export function decodeProgram(cfg: GPTConfig, shapes: Record<string, number[]>): Program {
  const p = paramTensors(Object.keys(shapes), shapes);
  const { idx, pos, past } = decodeInputs(cfg);
  const { logits, cache } = gptForward(cfg, p, idx, pos, past);
  return emitProgram({ logits, ...cacheOutputs(cache) }, { name: 'decode' });
}

function positions(batch: number, start: number, length: number): HostTensor {
  const data = new BigInt64Array(batch * length);
  for (let b = 0; b < batch; b++) for (let t = 0; t < length; t++) data[b * length + t] = BigInt(start + t);
  return { dtype: 'int64', dims: [batch, length], data };
}

/** Each layer's cache as the decode loop sees it: program input, program output, resident name. */
function cachePlan(cfg: GPTConfig, prefix: string): { input: string; output: string; resident: string }[] {
  return Array.from({ length: cfg.nLayer }, (_, l) =>
    ['k', 'v'].map((kv) => ({ input: `past.${l}.${kv}`, output: `present.${l}.${kv}`, resident: `${prefix}past.${l}.${kv}` })),
  ).flat();
}

/** Runs the prompts (B rows of equal length) through the prefill program, keeping their cache resident. */
async function prefill(
  engine: Engine,
  cfg: GPTConfig,
  program: Program,
  params: Record<string, Feed>,
  prompts: number[][],
  prefix: string,
): Promise<Float32Array> {
  const B = prompts.length;
  const T = prompts[0]!.length;
  if (prompts.some((p) => p.length !== T)) throw new Error('prefill: prompts of one batch must have the same length');
  const idx: HostTensor = { dtype: 'int64', dims: [B, T], data: BigInt64Array.from(prompts.flat(), BigInt) };
  const keep = Object.fromEntries(cachePlan(cfg, prefix).map((c) => [c.output, c.resident]));
  const out = await engine.run(program, { feeds: { ...params, idx, pos: positions(B, 0, T) }, keep, fetch: ['logits'] });
  return out.logits!.data as Float32Array;
}

/**
 * Greedy generation with a KV cache: prefill the prompts (B rows of equal length), then `steps - 1` one-token
 * steps run inside the engine worker. Returns the generated tokens per row.
 */
export async function generateGreedy(
  engine: Engine,
  cfg: GPTConfig,
  programs: { prefill: Program; decode: Program },
  params: Record<string, Feed>,
  prompts: number[][],
  steps: number,
  cachePrefix = 'kv/',
): Promise<number[][]> {
  const T = prompts[0]!.length;
  const V = cfg.vocabSize;
  const logits = await prefill(engine, cfg, programs.prefill, params, prompts, cachePrefix);
  const first = prompts.map((_, b) => {
    const row = logits.subarray((b * T + T - 1) * V, (b * T + T) * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (row[v]! > row[best]!) best = v;
    return best;
  });
  const plan = cachePlan(cfg, cachePrefix);
  try {
    if (steps <= 1) return first.map((t) => [t]);
    const rest = await engine.decode(programs.decode, {
      tokenInput: 'idx',
      positionInput: 'pos',
      logitsOutput: 'logits',
      cache: plan,
      feeds: params,
      batch: prompts.length,
      firstTokens: first,
      firstPosition: T,
      steps: steps - 1,
    });
    return first.map((t, b) => [t, ...rest.tokens[b]!]);
  } finally {
    await engine.drop(plan.map((c) => c.resident));
  }
}

/**
 * Teacher-forced decoding: prefill `prompts`, then feed `next` (per row, one token per step) through the decode
 * loop and return every step's logits (steps x B x V). Used to check the cache against a full forward pass.
 */
export async function decodeForced(
  engine: Engine,
  cfg: GPTConfig,
  programs: { prefill: Program; decode: Program },
  params: Record<string, Feed>,
  prompts: number[][],
  next: number[][],
  cachePrefix = 'kv/',
): Promise<{ prefillLogits: Float32Array; stepLogits: Float32Array }> {
  const prefillLogits = await prefill(engine, cfg, programs.prefill, params, prompts, cachePrefix);
  const plan = cachePlan(cfg, cachePrefix);
  try {
    const out = await engine.decode(programs.decode, {
      tokenInput: 'idx',
      positionInput: 'pos',
      logitsOutput: 'logits',
      cache: plan,
      feeds: params,
      batch: prompts.length,
      firstTokens: next.map((r) => r[0]!),
      firstPosition: prompts[0]!.length,
      steps: next[0]!.length,
      forced: next.map((r) => r.slice(1)),
      returnLogits: true,
    });
    return { prefillLogits, stepLogits: out.logits! };
  } finally {
    await engine.drop(plan.map((c) => c.resident));
  }
}
