import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { Trainer } from '../../../core/engine/trainer';
import { type ModelRef, feedsFor, tokenHeadProgram, uploadModel } from '../../../core/models/programs';
import { promptTokens } from '../../../core/models/sampling';
import { specialIds, trainTokenizer } from '../../../core/models/tokenizers';
import { transformerConfig, transformerParams } from '../../../core/models/transformer';
import { f32, i64 } from '../../../core/train/batches';
import { type PpoStepLog, sequenceBatch, trainPpo } from '../../../core/train/ppo-trainer';
import { completionLines, lineEndTokenIndices } from '../../../core/train/prm/line-ends';
import { ppoLoss, ppoLossInputs } from '../../../core/train/rl/ppo-loss';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const dir = useTempDir('ppo-prm-test-');

const prompts = ['def f(a):\n', 'def g(b):\n', 'def h(c):\n', 'def k(d):\n'];
const tokenizer = trainTokenizer([...prompts, '  x = a + 1\n  return x\n'], { vocabSize: 270 });
const special = specialIds(tokenizer);
const cfg = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 32, maxSeqLen: 48, vocabSize: tokenizer.vocabSize });
const hostTensors = (specs: ReturnType<typeof transformerParams>): Record<string, HostTensor> =>
  Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, { dtype: 'float32' as const, dims: s.shape, data: s.init }]));
const policyInit = (): Record<string, HostTensor> => hostTensors(transformerParams(cfg, ['lm'], 3));

/** A process reward model of its own shape (wider than the policy) from random weights, its prm head random too. */
const prmConfig = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 48, maxSeqLen: 48, vocabSize: tokenizer.vocabSize });
const prmTensors = ((): Record<string, HostTensor> => {
  const specs = transformerParams(prmConfig, ['prm'], 11);
  specs['prm_head.weight']!.init = new Rng(5).normal(48, 0.3);
  specs['prm_head.bias']!.init = Float32Array.of(0.2);
  return hostTensors(specs);
})();

async function headValues(model: ModelRef, head: 'value' | 'prm', idx: number[][]): Promise<number[][]> {
  const program = tokenHeadProgram(model, head);
  const T = idx[0]!.length;
  const out = await engine.run(program, { feeds: { ...feedsFor(program, model), idx: i64(idx.flat(), [idx.length, T]) }, fetch: ['values'] });
  const v = out.values!.data as Float32Array;
  return idx.map((_, b) => Array.from(v.subarray(b * T, (b + 1) * T)));
}

const small = { updates: 2, promptsPerUpdate: 4, samplesPerPrompt: 2, temperature: 1, maxNewTokens: 8, epochs: 1, miniBatches: 2, lr: 5e-3, minLr: 5e-3 };
const containsX = async (items: ReadonlyArray<{ completion: string }>): Promise<number[]> => items.map((i) => (i.completion.includes('x') ? 1 : 0));
/** A stand-in PRM score per line for the trainer's runs: +1 for a line with an 'x', -0.5 otherwise. */
const xLines = async (items: ReadonlyArray<{ completion: string }>): Promise<number[][]> => items.map((i) => completionLines(i.completion).map((l) => (l.includes('x') ? 1 : -0.5)));

test("right after value init the critic's values at every line end equal the PRM's outputs", async () => {
  const result = await trainPpo(engine, { config: cfg, tensors: policyInit(), prm: { config: prmConfig, tensors: prmTensors } }, tokenizer, prompts, { score: containsX }, {
    ...small,
    updates: 0,
    critic: 'separate',
    valueInit: 'prm',
  });
  expect(result.critic).not.toBeNull();
  expect(result.heads).toEqual(['lm']);
  const prm = await uploadModel(engine, prmConfig, ['prm'], prmTensors);
  const completions = ['  x = a + 1\n  return x\n', '  return a\n', 'x\n\n  y\n'];
  const rows = completions.map((c, i) => ({ prompt: promptTokens(tokenizer, special, prompts[i]!), completion: tokenizer.encode(c) }));
  // whole sequences, right-padded: position t has read tokens 0..t, so completion token j is read at prompt length + j
  const T = Math.max(...rows.map((r) => r.prompt.length + r.completion.length));
  const idx = rows.map((r) => [...r.prompt, ...r.completion, ...new Array<number>(T - r.prompt.length - r.completion.length).fill(special.pad)]);
  const fromPrm = await headValues(prm, 'prm', idx);
  const fromCritic = await headValues(result.critic!.model, 'value', idx);
  rows.forEach((r, b) => {
    const ends = lineEndTokenIndices(tokenizer, r.completion);
    expect(ends.length).toBe(completionLines(completions[b]!).length);
    for (const j of ends) {
      const t = r.prompt.length + j;
      expect(Math.abs(fromPrm[b]![t]!)).toBeGreaterThan(1e-3); // a real, non-trivial score
      expect(fromCritic[b]![t]).toBeCloseTo(fromPrm[b]![t]!, 5);
    }
  });
  // without value init the critic is the policy's backbone with a zero head
  const plain = await trainPpo(engine, { config: cfg, tensors: policyInit() }, tokenizer, prompts, { score: containsX }, { ...small, updates: 0, critic: 'separate' });
  expect((await headValues(plain.critic!.model, 'value', idx)).flat().every((v) => v === 0)).toBe(true);
});

test('separate-critic PPO with the dense reward runs rounds; each rollout gets lambda (by pass/fail) times its mean line score', async () => {
  const logs: PpoStepLog[] = [];
  const result = await trainPpo(
    engine,
    { config: cfg, tensors: policyInit(), prm: { config: prmConfig, tensors: prmTensors } },
    tokenizer,
    prompts,
    { score: containsX, execute: containsX, lineScores: xLines },
    { ...small, critic: 'separate', valueInit: 'prm', denseReward: true, denseLambdaFail: 0.5, denseLambdaPass: 0.05 },
    { onLog: (l) => logs.push(l) },
  );
  expect(logs).toHaveLength(2);
  for (const l of logs) {
    expect(Number.isFinite(l.valueLoss)).toBe(true);
    expect(l.denseReward).not.toBeNull();
    expect(l.denseShare).toBeGreaterThanOrEqual(0);
    expect(l.denseShare).toBeLessThanOrEqual(1);
  }
  expect(result.rollouts).toHaveLength(2 * 4 * 2);
  const scores = await xLines(result.rollouts.map((r) => ({ completion: r.text })));
  result.rollouts.forEach((r, i) => {
    const lambda = r.executionReward === 1 ? 0.05 : 0.5;
    const expected = scores[i]!.length ? (lambda * scores[i]!.reduce((a, b) => a + b, 0)) / scores[i]!.length : 0;
    expect(r.denseReward).toBeCloseTo(expected, 6);
  });
  // the critic learned: its weights moved from the PRM's
  const critic = await result.critic!.trainer.parameters();
  expect(critic['value_head.weight']!.data).not.toEqual(prmTensors['prm_head.weight']!.data);
  await expect(trainPpo(engine, { config: cfg, tensors: policyInit() }, tokenizer, prompts, { score: containsX }, { ...small, denseReward: true })).rejects.toThrow(
    'denseReward needs line scores',
  );
});

test("the policy's loss is the same with a separate critic as with a shared one whose value loss weighs 0", async () => {
  const rows = [0, 1, 2, 3].map((i) => ({ prompt: promptTokens(tokenizer, special, prompts[i]!), completion: tokenizer.encode(['x', 'a', '  return x', 'b'][i]!) }));
  const batch = sequenceBatch(rows, special.pad);
  const dims = [batch.idx.length, batch.idx[0]!.length];
  const adv = batch.mask.map((row, b) => row.map((m) => m * [1, -1, 0.5, -0.5][b]!));
  const old = batch.mask.map((row) => row.map((m) => (m ? -5.5 : 0)));
  const feeds = {
    idx: i64(batch.idx.flat(), dims),
    targets: i64(batch.targets.flat(), dims),
    mask: f32(batch.mask.flat(), dims),
    oldLogp: f32(old.flat(), dims),
    refLogp: f32(old.flat(), dims),
    advantages: f32(adv.flat(), dims),
    returns: f32(adv.flat(), dims),
    oldValues: f32(new Array<number>(dims[0]! * dims[1]!).fill(0), dims),
  };
  const loss = { algorithm: 'ppo' as const, temperature: 0.7, clipRange: 0.2, clipRangeValue: 0.2, valueCoef: 0, entropyCoef: 0.01, klLossCoef: 0 };
  const shared = await Trainer.create(engine, { params: transformerParams(cfg, ['lm', 'value'], 3), inputs: ppoLossInputs, loss: (p, x) => ppoLoss(cfg, loss, p, x), optimizer: { weightDecay: 0 } });
  const separate = await Trainer.create(engine, {
    params: transformerParams(cfg, ['lm'], 3),
    inputs: ppoLossInputs,
    loss: (p, x) => ppoLoss(cfg, { ...loss, critic: 'separate' }, p, x),
    optimizer: { weightDecay: 0 },
  });
  const inputsOf = (t: Trainer) => Object.fromEntries(Object.entries(feeds).filter(([k]) => t.programs.fused.inputs.some((i) => i.name === k)));
  expect(Object.keys(inputsOf(separate))).not.toContain('returns');
  const a = await shared.trainStep(inputsOf(shared), 1e-2);
  const b = await separate.trainStep(inputsOf(separate), 1e-2);
  expect(b.metrics.policyLoss).toBeCloseTo(a.metrics.policyLoss!, 6);
  expect(b.metrics.valueLoss).toBeUndefined();
  expect(a.metrics.valueLoss).toBeDefined();
  const pa = await shared.parameters();
  const pb = await separate.parameters();
  for (const name of Object.keys(pb)) expect(Array.from(pb[name]!.data as Float32Array)).toEqual(Array.from(pa[name]!.data as Float32Array));
});

test('a separate-critic PPO run killed after a round resumes to the same policy, critic, logs and rollouts', async () => {
  const config = { ...small, updates: 3, critic: 'separate' as const, valueInit: 'prm' as const, denseReward: true };
  const init = { config: cfg, tensors: policyInit(), prm: { config: prmConfig, tensors: prmTensors } };
  const rewards = { score: containsX, execute: containsX, lineScores: xLines };
  const straight = await trainPpo(engine, init, tokenizer, prompts, rewards, config);
  const file = join(dir, 'ppo.safetensors');
  const crash = trainPpo(engine, init, tokenizer, prompts, rewards, config, {
    checkpoint: file,
    onLog: (l) => {
      if (l.update === 1) throw new Error('interrupted');
    },
  });
  await expect(crash).rejects.toThrow('interrupted');
  const resumed = await trainPpo(engine, init, tokenizer, prompts, rewards, config, { checkpoint: file });
  const strip = (logs: PpoStepLog[]) => logs.map(({ seconds: _s, ...rest }) => rest);
  expect(strip(resumed.logs)).toEqual(strip(straight.logs));
  expect(resumed.rollouts).toEqual(straight.rollouts);
  for (const [x, y] of [
    [straight.trainer, resumed.trainer],
    [straight.critic!.trainer, resumed.critic!.trainer],
  ] as const) {
    const a = await x.parameters();
    const b = await y.parameters();
    for (const name of Object.keys(a)) expect(b[name]!.data).toEqual(a[name]!.data);
  }
});
