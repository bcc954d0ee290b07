import { expect, test } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTokenizer } from '../../../core/models/tokenizers';
import { uploadModel } from '../../../core/models/programs';
import { transformerConfig } from '../../../core/models/transformer';
import { fitLogProbScale } from '../../../core/train/logprob-scale';
import { pairAccuracy, splitPairsByProblem } from '../../../core/train/pair-validation';
import { buildPairs, type JudgedCandidate } from '../../../core/train/pairs';
import { type HeldoutCandidate, scoreCandidates, trainRewardModel } from '../../../core/train/reward-trainer';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

// Problems "add k": a passing candidate adds k, failing ones subtract it or add another constant (near misses).
const problem = (k: number): string => `def add_${k}(x):\n`;
const candidates = (k: number): { completion: string; passed: boolean }[] => [
  { completion: `    return x + ${k}\n`, passed: true },
  { completion: `    return ${k} + x\n`, passed: true },
  { completion: `    return x - ${k}\n`, passed: false },
  { completion: `    return x * ${k}\n`, passed: false },
];
const tokenizer = trainTokenizer(
  [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [problem(k), ...candidates(k).map((c) => c.completion)]),
  { vocabSize: 300 },
);
const cfg = transformerConfig({ nLayer: 2, nHead: 2, nEmbd: 32, maxSeqLen: 32, vocabSize: tokenizer.vocabSize });

function judged(ks: number[], prefix: string): { list: (JudgedCandidate & HeldoutCandidate)[] } {
  return {
    list: ks.flatMap((k) =>
      candidates(k).map((c, i) => ({ id: `${prefix}${k}.${i}`, taskId: `add${k}`, passed: c.passed, prompt: problem(k), completion: c.completion })),
    ),
  };
}

test('Bradley-Terry training separates passing from failing candidates on held-out problems', async () => {
  const train = judged([1, 2, 3, 4, 5, 6], 't').list;
  const heldout = judged([7, 8, 9], 'h').list;
  const pairs = buildPairs(train, { maxPairsPerProblem: 4, hardNegativeWeight: 2, seed: 0 });
  const texts = new Map(train.map((c) => [c.id, { prompt: c.prompt, completion: c.completion }]));
  const seen: number[] = [];
  const rm = await trainRewardModel(engine, { config: cfg }, tokenizer, texts, pairs, { steps: 60, batchPairs: 8, lr: 3e-3, init: 'scratch' }, {
    heldout,
    onProgress: (p) => seen.push(p.done),
  });
  expect(seen).toHaveLength(60);
  const { losses } = rm.metrics;
  console.log(`reward model: loss ${losses[0]!.toFixed(3)} -> ${rm.metrics.trainLoss.toFixed(3)}, held-out pairwise ${rm.metrics.heldoutPairwiseAccuracy}, AUC ${rm.metrics.heldoutAuc}`);
  expect(losses[0]!).toBeCloseTo(Math.log(2), 2); // a zero reward head: sigmoid(0) for every pair
  expect(rm.metrics.trainLoss).toBeLessThan(0.2);
  expect(rm.metrics.heldoutPairwiseAccuracy!).toBeGreaterThan(0.9);
  expect(rm.metrics.heldoutAuc!).toBeGreaterThan(0.9);
  // scoreCandidates gives the same scores in any order and batch size
  const again = await scoreCandidates(engine, rm.model, tokenizer, [...heldout].reverse(), { batchSize: 3 });
  again.reverse().forEach((s, i) => expect(Math.abs(s - rm.heldoutScores[i]!)).toBeLessThan(1e-5));
});

test('at a zero reward head the loss is -log sigmoid(-margin) whatever the pair weights', async () => {
  const train = judged([1, 2, 3], 't').list.map((c) => ({ ...c, hardNegative: c.completion.includes('*') }));
  const texts = new Map(train.map((c) => [c.id, { prompt: c.prompt, completion: c.completion }]));
  const run = async (hardNegativeWeight: number, margin: number): Promise<number> => {
    const pairs = buildPairs(train, { maxPairsPerProblem: 4, hardNegativeWeight, seed: 0 });
    const rm = await trainRewardModel(engine, { config: cfg }, tokenizer, texts, pairs, { steps: 1, batchPairs: 12, lr: 1e-9, init: 'scratch', margin, centerRewardsCoefficient: 0 });
    return rm.metrics.losses[0]!;
  };
  // With the reward head at zero every pair's loss is -log sigmoid(-margin): weights do not change the mean...
  expect(await run(5, 0)).toBeCloseTo(Math.log(2), 5);
  // ...and the margin moves it to -log sigmoid(-1) = 1.3133.
  expect(await run(1, 1)).toBeCloseTo(1.3133, 3);
});

test('a reranker carrying a frozen generator keeps its log-prob term exactly while the backbone trains', async () => {
  const train = judged([1, 2, 3, 4], 't').list;
  const texts = new Map(train.map((c) => [c.id, { prompt: c.prompt, completion: c.completion }]));
  const pairs = buildPairs(train, { maxPairsPerProblem: 4, hardNegativeWeight: 1, seed: 0 });
  // A "generator": a briefly trained reranker backbone stands in; what matters is that its weights are not the reranker's.
  const generator = (await trainRewardModel(engine, { config: cfg }, tokenizer, texts, pairs, { steps: 5, batchPairs: 8, lr: 3e-3, init: 'scratch' })).trainer;
  const genTensors = await generator.parameters();
  const withGen = transformerConfig({ ...cfg, rewardLogProbWeight: 1, rewardLogProbSource: 'generator' });
  const plain = transformerConfig({ ...cfg, rewardLogProbWeight: 1 });
  const items = train.map((c) => ({ prompt: c.prompt, completion: c.completion }));
  // The generator's own mean log-prob of each sequence: a zero-head reranker that is the generator, scoring with its own LM.
  const zeroHead = { ...genTensors, 'reward_head.weight': { dtype: 'float32' as const, dims: [cfg.nEmbd, 1], data: new Float32Array(cfg.nEmbd) } };
  const reference = await scoreCandidates(engine, await uploadModel(engine, plain, ['reward'], { ...zeroHead, 'reward_head.bias': { dtype: 'float32', dims: [1], data: new Float32Array(1) } }), tokenizer, items);

  const rm = await trainRewardModel(engine, { config: withGen, generator: genTensors }, tokenizer, texts, pairs, { steps: 20, batchPairs: 8, lr: 3e-3, init: 'scratch', fitLogProbScale: false }, { heldout: train });
  expect(Object.keys(rm.frozen).every((n) => n.startsWith('generator.'))).toBe(true);
  const trained = await rm.trainer.parameters();
  // The score minus the trained head's part is the generator's log-prob, unchanged by training.
  const headOnly = await scoreCandidates(engine, await uploadModel(engine, transformerConfig({ ...cfg }), ['reward'], trained), tokenizer, items);
  rm.heldoutScores.forEach((s, i) => expect(s - headOnly[i]!).toBeCloseTo(reference[i]!, 4));
  expect(rm.metrics.trainLoss).toBeLessThan(rm.metrics.losses[0]!);
  // Saved with its frozen part, the reranker scores the same after a reload through the engine.
  const reloaded = await scoreCandidates(engine, await uploadModel(engine, withGen, ['reward'], { ...trained, ...rm.frozen }), tokenizer, items);
  reloaded.forEach((s, i) => expect(s).toBeCloseTo(rm.heldoutScores[i]!, 5));
  await expect(trainRewardModel(engine, { config: withGen }, tokenizer, texts, pairs, { steps: 1, init: 'scratch' })).rejects.toThrow(/frozen generator needs tensor/);

  // With the weight fitted, the saved config carries the Bradley-Terry-optimal weight of the log-prob term alone.
  const fitted = await trainRewardModel(engine, { config: withGen, generator: genTensors }, tokenizer, texts, pairs, { steps: 1, batchPairs: 8, lr: 1e-9, init: 'scratch' });
  const logProb = new Map(train.map((c, i) => [c.id, reference[i]!]));
  const expected = fitLogProbScale(pairs.map((p) => ({ diff: logProb.get(p.chosen)! - logProb.get(p.rejected)!, weight: p.weight })), { start: 1 });
  expect(fitted.config.rewardLogProbWeight).toBeCloseTo(expected, 3);
}, 240_000);

test('the weights kept are those of the step that ordered the set-aside problems best, step 0 included', async () => {
  const ks = [1, 2, 3, 4, 5, 6, 7, 8];
  const share = 0.5;
  const aside = new Set(splitPairsByProblem(buildPairs(judged(ks, 't').list, { maxPairsPerProblem: 4, hardNegativeWeight: 1, seed: 0 }), share, 0).validation.map((p) => p.taskId));
  // The set-aside problems say the opposite of the trained ones, so every step of training orders them worse.
  const list = judged(ks, 't').list.map((c) => (aside.has(c.taskId) ? { ...c, passed: !c.passed } : c));
  const pairs = buildPairs(list, { maxPairsPerProblem: 4, hardNegativeWeight: 1, seed: 0 });
  const texts = new Map(list.map((c) => [c.id, { prompt: c.prompt, completion: c.completion }]));
  const rm = await trainRewardModel(engine, { config: cfg }, tokenizer, texts, pairs, { steps: 30, batchPairs: 8, lr: 3e-3, init: 'scratch', validationShare: share, validateEvery: 10 });
  const { validation, keptStep, losses } = rm.metrics;
  expect(validation.map((v) => v.step)).toEqual([0, 10, 20, 30]);
  expect(validation[0]!.accuracy).toBe(0.5); // a zero head ties every pair
  expect(validation[3]!.accuracy).toBeLessThan(0.2);
  expect(keptStep).toBe(0);
  expect(losses[29]!).toBeLessThan(losses[0]! - 0.3); // training did learn its own problems
  // The model returned (and saved) is step 0's: it ties the set-aside pairs again.
  const heldPairs = pairs.filter((p) => aside.has(p.taskId));
  const ids = [...new Set(heldPairs.flatMap((p) => [p.chosen, p.rejected]))];
  const scores = await scoreCandidates(engine, rm.model, tokenizer, ids.map((id) => texts.get(id)!));
  expect(pairAccuracy(heldPairs, new Map(ids.map((id, i) => [id, scores[i]!])))).toBe(0.5);
});

test('a resumed reranker keeps the log-prob weight it was trained with instead of fitting it again', async () => {
  const train = judged([1, 2, 3, 4], 't').list;
  const texts = new Map(train.map((c) => [c.id, { prompt: c.prompt, completion: c.completion }]));
  const pairs = buildPairs(train, { maxPairsPerProblem: 4, hardNegativeWeight: 1, seed: 0 });
  const own = transformerConfig({ ...cfg, rewardLogProbWeight: 1, rewardLogProbSource: 'own' });
  const checkpoint = join(mkdtempSync(join(tmpdir(), 'rr-reward-')), 'state.safetensors');
  const options = { steps: 3, batchPairs: 8, lr: 1e-3, init: 'scratch' as const, validationShare: 0 };
  const first = await trainRewardModel(engine, { config: own }, tokenizer, texts, pairs, options, { checkpoint });
  // Swapped pairs fit another weight: the saved one must win.
  const swapped = pairs.map((p) => ({ ...p, chosen: p.rejected, rejected: p.chosen }));
  const fresh = await trainRewardModel(engine, { config: own }, tokenizer, texts, swapped, options);
  expect(Math.abs(fresh.config.rewardLogProbWeight - first.config.rewardLogProbWeight)).toBeGreaterThan(0.05);
  const resumed = await trainRewardModel(engine, { config: own }, tokenizer, texts, swapped, options, { checkpoint });
  expect(resumed.config.rewardLogProbWeight).toBe(first.config.rewardLogProbWeight);
});
