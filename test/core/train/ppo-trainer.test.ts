import { join } from 'node:path';
import { expect, test } from 'vitest';
import { emitProgram } from '../../../core/engine/emit';
import { input, param } from '../../../core/engine/ops';
import type { HostTensor } from '../../../core/engine/protocol';
import { Trainer } from '../../../core/engine/trainer';
import { promptTokens } from '../../../core/models/sampling';
import { specialIds, trainTokenizer } from '../../../core/models/tokenizers';
import { lmLogits, transformerConfig, transformerHidden, transformerParams } from '../../../core/models/transformer';
import { f32, i64 } from '../../../core/train/batches';
import { type PpoStepLog, sequenceBatch, trainPpo } from '../../../core/train/ppo-trainer';
import { ppoLoss, ppoLossInputs, targetLogProbs } from '../../../core/train/rl/ppo-loss';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const dir = useTempDir('ppo-test-');

const prompts = ['def f(a):\n', 'def g(b):\n', 'def h(c):\n', 'def k(d):\n', 'def m(e):\n', 'def n(q):\n', 'def p(r):\n', 'def s(t):\n'];
const tokenizer = trainTokenizer([...prompts, 'return x + 1'], { vocabSize: 270 });
const special = specialIds(tokenizer);
const cfg = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 32, maxSeqLen: 32, vocabSize: tokenizer.vocabSize });
const initial = (): Record<string, HostTensor> =>
  Object.fromEntries(Object.entries(transformerParams(cfg, ['lm'], 3)).map(([n, s]) => [n, { dtype: 'float32' as const, dims: s.shape, data: s.init }]));
const xToken = tokenizer.encode('x')[0]!;

/** log p(target) of each row's completion tokens under the weights `feeds` names. */
const logpProgram = (() => {
  const shapes = Object.fromEntries(Object.entries(transformerParams(cfg, ['lm'])).map(([n, s]) => [n, s.shape]));
  const p = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, param(n, s)]));
  const { hidden } = transformerHidden(cfg, p, input('idx', ['B', 'T'], 'int64'));
  return emitProgram({ logp: targetLogProbs(lmLogits(cfg, p, hidden), input('targets', ['B', 'T'], 'int64'), 1) }, { name: 'test_logp' });
})();

async function logps(trainer: Trainer, batch: ReturnType<typeof sequenceBatch>): Promise<number[][]> {
  const dims = [batch.idx.length, batch.idx[0]!.length];
  const feeds = Object.fromEntries(Object.entries(trainer.parameterFeeds()).filter(([n]) => logpProgram.inputs.some((i) => i.name === n)));
  const out = await engine.run(logpProgram, { feeds: { ...feeds, idx: i64(batch.idx.flat(), dims), targets: i64(batch.targets.flat(), dims) }, fetch: ['logp'] });
  const data = out.logp!.data as Float32Array;
  return batch.idx.map((_, b) => Array.from(data.subarray(b * dims[1]!, (b + 1) * dims[1]!)));
}

test('one update raises the log-probs of positive-advantage tokens, lowers negative ones, and changes nothing at A = 0', async () => {
  const rows = [0, 1, 2, 3].map((i) => ({ prompt: promptTokens(tokenizer, special, prompts[i]!), completion: tokenizer.encode('abcd'[i]!) }));
  const batch = sequenceBatch(rows, special.pad);
  const sign = [1, -1, 1, -1];
  const make = async (): Promise<Trainer> =>
    Trainer.create(engine, {
      params: transformerParams(cfg, ['lm'], 3),
      inputs: ppoLossInputs,
      loss: (p, x) => ppoLoss(cfg, { algorithm: 'grpo', temperature: 1, clipRange: 0.2, clipRangeValue: 0.2, valueCoef: 0, entropyCoef: 0, klLossCoef: 0 }, p, x),
      optimizer: { weightDecay: 0 },
    });
  const feeds = (old: number[][], adv: number[]): Record<string, HostTensor> => {
    const dims = [batch.idx.length, batch.idx[0]!.length];
    const a = batch.mask.map((row, b) => row.map((m) => m * adv[b]!));
    return {
      idx: i64(batch.idx.flat(), dims),
      targets: i64(batch.targets.flat(), dims),
      mask: f32(batch.mask.flat(), dims),
      oldLogp: f32(old.flat(), dims),
      advantages: f32(a.flat(), dims),
    };
  };
  const masked = (x: number[][], b: number): number => x[b]!.reduce((s, v, t) => s + v * batch.mask[b]![t]!, 0);

  const trainer = await make();
  const before = await logps(trainer, batch);
  const step = await trainer.trainStep(feeds(before, sign), 1e-2);
  expect(step.metrics.clipFraction).toBe(0); // ratio 1 everywhere on the first step
  expect(step.metrics.approxKl).toBeCloseTo(0, 6);
  const after = await logps(trainer, batch);
  sign.forEach((s, b) => expect(Math.sign(masked(after, b) - masked(before, b))).toBe(s));

  const still = await make();
  const p0 = await still.parameters();
  await still.trainStep(feeds(before, [0, 0, 0, 0]), 1e-2);
  const p1 = await still.parameters();
  for (const n of Object.keys(p0)) expect(p1[n]!.data).toEqual(p0[n]!.data);
});

const containsX = async (items: ReadonlyArray<{ completion: string }>): Promise<number[]> => items.map((i) => (i.completion.includes('x') ? 1 : 0));
const toy = { updates: 8, promptsPerUpdate: 8, samplesPerPrompt: 8, temperature: 1, maxNewTokens: 6, epochs: 2, miniBatches: 2, lr: 5e-3, minLr: 5e-3, klCoef: 0.02 };

/** Mean probability of 'x' as the first completion token, over the prompts. */
async function probabilityOfX(model: Awaited<ReturnType<typeof trainPpo>>['trainer']): Promise<number> {
  const rows = prompts.map((p) => ({ prompt: promptTokens(tokenizer, special, p), completion: [xToken] }));
  const batch = sequenceBatch(rows, special.pad);
  const lp = await logps(model, batch);
  return lp.reduce((s, row, b) => s + Math.exp(row[batch.mask[b]!.indexOf(1)]!), 0) / rows.length;
}

for (const algorithm of ['ppo', 'grpo'] as const) {
  test(`${algorithm}: a toy reward (1 when the completion contains "x") raises the probability of "x" over the rounds, KL bounded`, async () => {
    const start = await trainPpo(engine, { config: cfg, tensors: initial() }, tokenizer, prompts, { score: containsX }, { ...toy, algorithm, updates: 0 });
    const p0 = await probabilityOfX(start.trainer);
    const logs: PpoStepLog[] = [];
    const result = await trainPpo(engine, { config: cfg, tensors: initial() }, tokenizer, prompts, { score: containsX }, { ...toy, algorithm }, { onLog: (l) => logs.push(l) });
    const p1 = await probabilityOfX(result.trainer);
    console.log(`${algorithm}: p(x) ${p0.toFixed(4)} -> ${p1.toFixed(4)}; reward ${result.logs.map((l) => l.reward.toFixed(2)).join(' ')}; KL ${result.logs.map((l) => l.kl.toFixed(2)).join(' ')}`);
    expect(logs).toEqual(result.logs);
    expect(Math.abs(result.logs[0]!.kl)).toBeLessThan(1e-3); // the first round's policy is the reference
    expect(p1).toBeGreaterThan(3 * p0);
    expect(result.logs.at(-1)!.reward).toBeGreaterThan(result.logs[0]!.reward);
    for (const l of result.logs) expect(l.kl).toBeLessThan(5);
    if (algorithm === 'ppo') expect(result.logs.every((l) => l.valueLoss !== null && Number.isFinite(l.valueLoss))).toBe(true);
    else expect(result.logs.every((l) => l.valueLoss === null)).toBe(true);
  });
}

test('a PPO run killed after a round resumes from its checkpoint to the same weights, logs and rollouts', async () => {
  const config = { ...toy, updates: 3 };
  const straight = await trainPpo(engine, { config: cfg, tensors: initial() }, tokenizer, prompts, { score: containsX }, config);
  const file = join(dir, 'ppo.safetensors');
  const crash = trainPpo(engine, { config: cfg, tensors: initial() }, tokenizer, prompts, { score: containsX }, config, {
    checkpoint: file,
    onLog: (l) => {
      if (l.update === 1) throw new Error('interrupted');
    },
  });
  await expect(crash).rejects.toThrow('interrupted');
  const resumed = await trainPpo(engine, { config: cfg, tensors: initial() }, tokenizer, prompts, { score: containsX }, config, { checkpoint: file });
  const strip = (logs: PpoStepLog[]) => logs.map(({ seconds: _s, ...rest }) => rest);
  expect(strip(resumed.logs)).toEqual(strip(straight.logs));
  expect(resumed.rollouts).toEqual(straight.rollouts);
  const a = await straight.trainer.parameters();
  const b = await resumed.trainer.parameters();
  for (const name of Object.keys(a)) expect(b[name]!.data).toEqual(a[name]!.data);
});
