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

/** idx, pos (B, T) -> logits (B, T, V) and present.<l>.k / .v (B, H, T, D). */
export function prefillProgram(cfg: GPTConfig, shapes: Record<string, number[]>): Program {
  const p = paramTensors(Object.keys(shapes), shapes);
  const { logits, cache } = gptForward(cfg, p, input('idx', ['B', 'T'], 'int64'), input('pos', ['B', 'T'], 'int64'));
  return emitProgram({ logits, ...cacheOutputs(cache) }, { name: 'prefill' });
}

/** idx, pos (B, 1) and past.<l>.k / .v (B, H, P, D) -> logits (B, 1, V) and present (B, H, P+1, D). */
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

/**
 * Greedy generation with a KV cache: prefill the prompts (B rows of equal length), then `steps` one-token
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
  const B = prompts.length;
  const T = prompts[0]!.length;
  const idx: HostTensor = { dtype: 'int64', dims: [B, T], data: BigInt64Array.from(prompts.flat(), BigInt) };
  const keep: Record<string, string> = {};
  const cache: Record<string, string> = {};
  for (let l = 0; l < cfg.nLayer; l++) {
    for (const kv of ['k', 'v']) {
      keep[`present.${l}.${kv}`] = `${cachePrefix}past.${l}.${kv}`;
      cache[`past.${l}.${kv}`] = `present.${l}.${kv}`;
    }
  }
  const out = await engine.run(programs.prefill, { feeds: { ...params, idx, pos: positions(B, 0, T) }, keep, fetch: ['logits'] });
  const logits = out.logits!.data as Float32Array;
  const V = cfg.vocabSize;
  const first = prompts.map((_, b) => {
    const row = logits.subarray((b * T + T - 1) * V, (b * T + T) * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (row[v]! > row[best]!) best = v;
    return best;
  });
  if (steps <= 1) return first.map((t) => [t]);
  const feeds: Record<string, Feed> = { ...params };
  const plan = {
    tokenInput: 'idx',
    positionInput: 'pos',
    logitsOutput: 'logits',
    cache,
    feeds,
    batch: B,
    firstTokens: first,
    firstPosition: T,
    steps: steps - 1,
    cachePrefix,
  };
  const rest = await engine.decode(programs.decode, plan);
  await engine.drop(Object.values(keep));
  return first.map((t, b) => [t, ...rest[b]!]);
}
