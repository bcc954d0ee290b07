import { expect, test } from 'vitest';
import { trainTokenizer } from '../../../core/models/tokenizers';
import { transformerConfig } from '../../../core/models/transformer';
import { lineLabelAccuracy, lineScores, type PrmExample, trainPrm } from '../../../core/train/prm-trainer';
import { useEngine } from '../../support/engine-fixture';

const engine = useEngine();

// Problems "add k": the first line adds k (good, +1) or subtracts it (bad, -1); a comment (0); the return inherits.
const prompt = (k: number): string => `def add_${k}(x):\n`;
const examples = (k: number): PrmExample[] => [
  { prompt: prompt(k), completion: `    y = x + ${k}\n    # the sum\n    return y\n`, labels: [1, 0, 1] },
  { prompt: prompt(k), completion: `    y = x - ${k}\n    # the sum\n    return y\n`, labels: [-1, 0, -1] },
  { prompt: prompt(k), completion: `    y = ${k} + x\n    return y\n`, labels: [1, 1] },
  { prompt: prompt(k), completion: `    y = x * ${k}\n    return y\n`, labels: [-1, -1] },
];
const tokenizer = trainTokenizer(
  [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((k) => [prompt(k), ...examples(k).map((e) => e.completion)]),
  { vocabSize: 300 },
);
const cfg = transformerConfig({ nLayer: 2, nHead: 2, nEmbd: 32, maxSeqLen: 48, vocabSize: tokenizer.vocabSize });

test('the PRM lowers its MSE to line labels and gets held-out line signs right', async () => {
  const train = [1, 2, 3, 4, 5, 6].flatMap(examples);
  const heldout = [7, 8, 9].flatMap(examples);
  const seen: number[] = [];
  const prm = await trainPrm(engine, { config: cfg }, tokenizer, train, { steps: 60, batchSize: 8, lr: 3e-3, init: 'scratch', checkpointEvery: 0 }, {
    heldout,
    onProgress: (p) => seen.push(p.done),
  });
  expect(seen).toHaveLength(60);
  const { losses } = prm.metrics;
  console.log(`PRM: loss ${losses[0]!.toFixed(3)} -> ${prm.metrics.trainLoss.toFixed(3)}, held-out line accuracy ${prm.metrics.heldoutLineAccuracy}`);
  // A zero head: squared error 1 on every +-1 label, 0 on the comment lines (2 of the 10 lines of each problem).
  expect(losses[0]!).toBeGreaterThan(0.7);
  expect(prm.metrics.trainLoss).toBeLessThan(0.3 * losses[0]!);
  expect(prm.metrics.lines).toBe(train.reduce((n, e) => n + e.labels.length, 0));
  expect(prm.metrics.heldoutLineAccuracy!).toBeGreaterThan(0.9);
  // One score per line; the same scores in any order and batch size.
  expect(prm.heldoutScores.map((s) => s.length)).toEqual(heldout.map((e) => e.labels.length));
  const again = await lineScores(engine, prm.model, tokenizer, [...heldout].reverse(), { batchSize: 5 });
  again.reverse().forEach((row, i) => row.forEach((s, l) => expect(Math.abs(s - prm.heldoutScores[i]![l]!)).toBeLessThan(1e-5)));
});

test('refuses labels that do not match the lines', async () => {
  const bad = [{ prompt: prompt(1), completion: '    return x\n', labels: [1, 1] }];
  await expect(trainPrm(engine, { config: cfg }, tokenizer, bad, { steps: 1, init: 'scratch' })).rejects.toThrow(/example 0 has 2 labels for 1 lines/);
});

test('line-label accuracy counts signs of non-zero labels only', () => {
  expect(lineLabelAccuracy([[1, 0, -1], [-1]], [[0.5, 9, 0.2], [0]])).toBeCloseTo(1 / 3);
  expect(lineLabelAccuracy([[0, 0]], [[1, -1]])).toBeNull();
});
