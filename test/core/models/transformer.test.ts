import { expect, test } from 'vitest';
import { Trainer } from '../../../core/engine/trainer';
import { feedsFor, logitsProgram, modelOfTrainer, rewardProgram, tokenHeadProgram, uploadModel } from '../../../core/models/programs';
import { sampleTokens, samplingConfigSchema } from '../../../core/models/sampling';
import { specialIds } from '../../../core/models/tokenizers';
import { type TransformerConfigInput, prmLoss, prmLossInputs, transformerConfig, transformerParams } from '../../../core/models/transformer';
import { initialWeights, tinyTokenizer } from './model-fixture';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

const tokenizer = tinyTokenizer();
const special = specialIds(tokenizer);

const variants: Record<string, TransformerConfigInput> = {
  llama: { arch: 'llama', nLayer: 2, nHead: 4, nEmbd: 32, maxSeqLen: 64 },
  'qwen2 (GQA, qkv bias)': { arch: 'qwen2', nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 32, maxSeqLen: 64, tieEmbeddings: false },
  gpt2: { arch: 'gpt2', nLayer: 2, nHead: 2, nEmbd: 32, maxSeqLen: 64 },
};

function logSoftmaxAt(row: Float32Array, token: number): number {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  let z = 0;
  for (const v of row) z += Math.exp(v - max);
  return row[token]! - max - Math.log(z);
}

for (const [name, input] of Object.entries(variants)) {
  test(`${name}: left-padded batched KV-cache sampling gives the log-probs of a full forward pass`, async () => {
    const cfg = transformerConfig({ ...input, vocabSize: tokenizer.vocabSize });
    const model = await uploadModel(engine, cfg, ['lm'], initialWeights(cfg, ['lm'], 3, 0.05));
    const prompts = [[special.bos, ...tokenizer.encode('def add(a, b):\n')], [special.bos, ...tokenizer.encode('def f(xs):\n    return [x')]];
    const config = samplingConfigSchema.parse({ n: 2, temperature: 0, maxNewTokens: 6, seed: 1 });
    const samples = await sampleTokens(engine, model, tokenizer, special, prompts, config);
    expect(samples.map((s) => [s.prompt, s.sample])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    let worst = 0;
    for (const s of samples) {
      const seq = [...prompts[s.prompt]!, ...s.tokens];
      const out = await engine.run(logitsProgram(model), {
        feeds: { ...model.feeds, idx: { dtype: 'int64', dims: [1, seq.length], data: BigInt64Array.from(seq, BigInt) } },
        fetch: ['logits'],
      });
      const logits = out.logits!.data as Float32Array;
      const V = cfg.vocabSize;
      s.tokens.forEach((tok, i) => {
        const t = prompts[s.prompt]!.length - 1 + i;
        worst = Math.max(worst, Math.abs(logSoftmaxAt(logits.subarray(t * V, (t + 1) * V), tok) - s.logprobs[i]!));
      });
    }
    console.log(`${name}: max |log-prob difference| cached vs full ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });
}

test('the reward is read at the last real token: right padding changes nothing', async () => {
  const cfg = transformerConfig({ ...variants.llama, vocabSize: tokenizer.vocabSize });
  const model = await uploadModel(engine, cfg, ['reward'], initialWeights(cfg, ['reward'], 4, 0.05));
  const a = tokenizer.encode('def add(a, b):\n    return a + b\n');
  const b = a.slice(0, 5);
  const T = a.length;
  const idx = [...a, ...b, ...new Array<number>(T - b.length).fill(special.pad)];
  const mask = [...a.map(() => 1), ...b.map(() => 1), ...new Array<number>(T - b.length).fill(0)];
  const run = async (rows: number[], m: number[], n: number): Promise<Float32Array> =>
    (
      await engine.run(rewardProgram(model), {
        feeds: { ...model.feeds, idx: { dtype: 'int64', dims: [n, rows.length / n], data: BigInt64Array.from(rows, BigInt) }, mask: { dtype: 'float32', dims: [n, m.length / n], data: Float32Array.from(m) } },
        fetch: ['score'],
      })
    ).score!.data as Float32Array;
  const both = await run(idx, mask, 2);
  const alone = await run(b, b.map(() => 1), 1);
  expect(Math.abs(both[1]! - alone[0]!)).toBeLessThan(1e-5);
  expect(Math.abs(both[0]! - both[1]!)).toBeGreaterThan(1e-6);
});

test('sampling is reproducible and respects stop sequences, top-k and the token budget', async () => {
  const cfg = transformerConfig({ ...variants.llama, vocabSize: tokenizer.vocabSize });
  const model = await uploadModel(engine, cfg, ['lm'], initialWeights(cfg, ['lm'], 5, 0.5));
  const prompts = [[special.bos, ...tokenizer.encode('def add(a, b):\n')]];
  const config = samplingConfigSchema.parse({ n: 6, temperature: 1.5, topK: 40, maxNewTokens: 12, stop: ['\n'], seed: 9 });
  const one = await sampleTokens(engine, model, tokenizer, special, prompts, config);
  const two = await sampleTokens(engine, model, tokenizer, special, prompts, config);
  expect(two).toEqual(one);
  const other = await sampleTokens(engine, model, tokenizer, special, prompts, { ...config, seed: 10 });
  expect(other.map((s) => s.tokens)).not.toEqual(one.map((s) => s.tokens));
  for (const s of one) {
    expect(s.tokens.length).toBeLessThanOrEqual(12);
    expect(s.tokens.length).toBe(s.logprobs.length);
    expect(s.text.includes('\n')).toBe(false);
    if (s.finish === 'length') expect(s.tokens.length).toBe(12);
  }
});

test('the PRM head learns per-line labels at line ends; the value head gives one value per token', async () => {
  const cfg = transformerConfig({ ...variants.llama, vocabSize: tokenizer.vocabSize });
  const heads = ['prm', 'value'] as const;
  const specs = transformerParams(cfg, [...heads], 6);
  // Line-end labels: a line holding '+' is good (+1), one holding '-' is not (-1).
  const programs = ['def add(a, b):\n    c = a + b\n    return c\n', 'def sub(a, b):\n    c = a - b\n    return c\n'];
  const rows = programs.map((p) => [special.bos, ...tokenizer.encode(p)]);
  const T = Math.max(...rows.map((r) => r.length));
  const idx: number[] = [];
  const labels: number[] = [];
  const lineMask: number[] = [];
  rows.forEach((r, b) => {
    for (let t = 0; t < T; t++) {
      idx.push(r[t] ?? special.pad);
      const lineEnd = r[t] === special.lineEnd;
      lineMask.push(lineEnd && b < 2 ? 1 : 0);
      labels.push(lineEnd ? (b === 0 ? 1 : -1) : 0);
    }
  });
  const trainer = await Trainer.create(engine, { params: specs, inputs: prmLossInputs, loss: (p, x) => prmLoss(cfg, p, x) });
  const batch = {
    idx: { dtype: 'int64' as const, dims: [2, T], data: BigInt64Array.from(idx, BigInt) },
    labels: { dtype: 'float32' as const, dims: [2, T], data: Float32Array.from(labels) },
    lineMask: { dtype: 'float32' as const, dims: [2, T], data: Float32Array.from(lineMask) },
  };
  const first = await trainer.trainStep(batch, 1e-2);
  expect(first.loss).toBeCloseTo(1, 4); // a zero head: squared error 1 on every +1 or -1 line
  let last = first.loss;
  for (let i = 0; i < 30; i++) last = (await trainer.trainStep(batch, 1e-2)).loss;
  expect(last).toBeLessThan(0.1);
  const model = modelOfTrainer(trainer, cfg, [...heads], Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, s.shape])));
  const prm = tokenHeadProgram(model, 'prm');
  const out = await engine.run(prm, { feeds: { ...feedsFor(prm, model), idx: batch.idx }, fetch: ['values'] });
  const values = out.values!.data as Float32Array;
  expect(out.values!.dims).toEqual([2, T]);
  rows.forEach((r, b) => r.forEach((tok, t) => tok === special.lineEnd && expect(values[b * T + t]! > 0).toBe(b === 0)));
  const value = tokenHeadProgram(model, 'value');
  const v = await engine.run(value, { feeds: { ...feedsFor(value, model), idx: batch.idx }, fetch: ['values'] });
  expect(v.values!.dims).toEqual([2, T]);
});

test("with rewardLogProbWeight the score adds the mean next-token log-prob of the completion's tokens", async () => {
  const cfg = transformerConfig({ ...variants.llama, vocabSize: tokenizer.vocabSize, rewardLogProbWeight: 2 });
  const weights = initialWeights(cfg, ['reward'], 8, 0.05);
  (weights['reward_head.weight']!.data as Float32Array).fill(0);
  (weights['reward_head.bias']!.data as Float32Array).fill(0);
  const model = await uploadModel(engine, cfg, ['reward'], weights);
  const prompt = [special.bos, ...tokenizer.encode('def add(a, b):\n')];
  const seq = [...prompt, ...tokenizer.encode('    return a + b\n'), special.eos];
  const T = seq.length + 3; // right padding must not count
  const idx = BigInt64Array.from([...seq, special.pad, special.pad, special.pad], BigInt);
  const mask = Float32Array.from([...seq.map(() => 1), 0, 0, 0]);
  const completion = Float32Array.from([...seq.map((_, t) => (t >= prompt.length ? 1 : 0)), 0, 0, 0]);
  const program = rewardProgram(model);
  const dims = [1, T];
  const out = await engine.run(program, {
    feeds: { ...feedsFor(program, model), idx: { dtype: 'int64', dims, data: idx }, mask: { dtype: 'float32', dims, data: mask }, completion: { dtype: 'float32', dims, data: completion } },
    fetch: ['score'],
  });
  const full = await engine.run(logitsProgram(model), { feeds: { ...feedsFor(logitsProgram(model), model), idx: { dtype: 'int64', dims: [1, seq.length], data: BigInt64Array.from(seq, BigInt) } }, fetch: ['logits'] });
  const logits = full.logits!.data as Float32Array;
  const V = cfg.vocabSize;
  // The prompt's tokens (the same for every candidate of a problem) do not count: only the completion's and eos.
  let total = 0;
  for (let t = prompt.length - 1; t + 1 < seq.length; t++) total += logSoftmaxAt(logits.subarray(t * V, (t + 1) * V), seq[t + 1]!);
  expect((out.score!.data as Float32Array)[0]!).toBeCloseTo((2 * total) / (seq.length - prompt.length), 4);
});
