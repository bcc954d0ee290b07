import { afterAll, beforeAll, expect, test } from 'vitest';
import { Engine } from '../../../core/engine/engine';
import type { HostTensor } from '../../../core/engine/protocol';
import { decodeProgram, generateGreedy, prefillProgram } from '../../../core/models/gpt-programs';
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
  const B = 2;
  const T = 12;
  const P = 5;
  const V = tinyGPT.vocabSize;
  const tokens = Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V);
  const full = await engine.run(prefill, { feeds: { ...params, idx: i64(tokens, [B, T]), pos: positions(B, 0, T) }, fetch: ['logits'] });
  const fullLogits = full.logits!.data as Float32Array;

  const keep: Record<string, string> = {};
  for (let l = 0; l < tinyGPT.nLayer; l++) for (const kv of ['k', 'v']) keep[`present.${l}.${kv}`] = `test/past.${l}.${kv}`;
  const row = (b: number, from: number, n: number): number[] => tokens.slice(b * T + from, b * T + from + n);
  const first = await engine.run(prefill, {
    feeds: { ...params, idx: i64([...row(0, 0, P), ...row(1, 0, P)], [B, P]), pos: positions(B, 0, P) },
    keep,
    fetch: ['logits'],
  });
  let worst = 0;
  const compare = (got: Float32Array, t: number, tLen: number, at: number): void => {
    for (let b = 0; b < B; b++) {
      for (let v = 0; v < V; v++) {
        const want = fullLogits[(b * T + t) * V + v]!;
        worst = Math.max(worst, Math.abs(got[(b * tLen + at) * V + v]! - want));
      }
    }
  };
  for (let t = 0; t < P; t++) compare(first.logits!.data as Float32Array, t, P, t);
  for (let t = P; t < T; t++) {
    const past = Object.fromEntries(Object.values(keep).map((name) => [name.slice('test/'.length), { resident: name }]));
    const step = await engine.run(decode, {
      feeds: { ...params, ...past, idx: i64([...row(0, t, 1), ...row(1, t, 1)], [B, 1]), pos: positions(B, t, 1) },
      keep,
      fetch: ['logits'],
    });
    compare(step.logits!.data as Float32Array, t, 1, 0);
  }
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
