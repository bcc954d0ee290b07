import { afterAll, beforeAll, expect, test } from 'vitest';
import { Engine } from '../../../core/engine/engine';
import type { HostTensor } from '../../../core/engine/protocol';
import { decodeForced, decodeProgram, generateGreedy, prefillProgram } from '../../../core/models/gpt-programs';
import { gptParams } from '../../../core/models/gpt';
import { i64, tinyGPT } from './gpt-fixture';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.start();
});
afterAll(async () => {
  await engine.close();
});

const specs = gptParams(tinyGPT, 11);
const shapes = Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, s.shape]));
const params: Record<string, HostTensor> = Object.fromEntries(
  Object.entries(specs).map(([n, s]) => [n, { dtype: 'float32', dims: s.shape, data: s.init }]),
);
const prefill = prefillProgram(tinyGPT, shapes);
const decode = decodeProgram(tinyGPT, shapes);
const positions = (B: number, start: number, n: number): HostTensor =>
  i64(Array.from({ length: B }, () => Array.from({ length: n }, (_, t) => start + t)).flat(), [B, n]);

test('KV-cache decoding matches a full forward pass', async () => {
  const [B, T, P, V] = [2, 12, 5, tinyGPT.vocabSize];
  const tokens = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 13 + t * 7 + 3) % V));
  const full = await engine.run(prefill, { feeds: { ...params, idx: i64(tokens.flat(), [B, T]), pos: positions(B, 0, T) }, fetch: ['logits'] });
  const want = full.logits!.data as Float32Array;

  // Prefill P positions, then feed the rest one token per step through the cache.
  const { prefillLogits, stepLogits } = await decodeForced(
    engine,
    tinyGPT,
    { prefill, decode },
    params,
    tokens.map((r) => r.slice(0, P)),
    tokens.map((r) => r.slice(P)),
  );
  let worst = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let v = 0; v < V; v++) {
        const got = t < P ? prefillLogits[(b * P + t) * V + v]! : stepLogits[((t - P) * B + b) * V + v]!;
        worst = Math.max(worst, Math.abs(got - want[(b * T + t) * V + v]!));
      }
    }
  }
  console.log(`KV-cache decoding vs full forward: max |logit difference| ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(2e-5);
});

test('greedy generation with the cache picks the argmax of the full forward at every step', async () => {
  const prompts = [
    [1, 2, 3, 4],
    [9, 8, 7, 6],
  ];
  const out = await generateGreedy(engine, tinyGPT, { prefill, decode }, params, prompts, 6);
  for (let b = 0; b < prompts.length; b++) {
    const seq = [...prompts[b]!, ...out[b]!];
    const n = seq.length - 1;
    const full = await engine.run(prefill, { feeds: { ...params, idx: i64(seq.slice(0, n), [1, n]), pos: positions(1, 0, n) }, fetch: ['logits'] });
    const logits = full.logits!.data as Float32Array;
    const V = tinyGPT.vocabSize;
    for (let t = prompts[b]!.length - 1; t < n; t++) {
      const rowL = logits.subarray(t * V, (t + 1) * V);
      const best = rowL.indexOf(Math.max(...rowL));
      expect(seq[t + 1], `row ${b} position ${t + 1}`).toBe(best);
    }
  }
});
