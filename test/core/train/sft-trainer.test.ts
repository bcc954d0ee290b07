import { join } from 'node:path';
import { expect, test } from 'vitest';
import { makeProblem } from '../../../core/data/problem';
import { promptTokens, sampleTokens, samplingConfigSchema } from '../../../core/models/sampling';
import { specialIds, trainTokenizer } from '../../../core/models/tokenizers';
import { transformerConfig } from '../../../core/models/transformer';
import { trainSft } from '../../../core/train/sft-trainer';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const dir = useTempDir('sft-test-');

const ops = ['+', '-', '*'] as const;
const names = { '+': 'add', '-': 'sub', '*': 'mul' } as const;
const problems = ops.flatMap((op) =>
  [1, 2, 3, 4].map((k) =>
    makeProblem({
      task_id: `${names[op]}${k}`,
      language: 'python',
      prompt: `def ${names[op]}_${k}(x):\n`,
      prefix: `def ${names[op]}_${k}(x):\n`,
      suffix: '',
      canonical_solution: `    return x ${op} ${k}\n`,
    }),
  ),
);
const tokenizer = trainTokenizer(problems.flatMap((p) => [p.prompt, p.canonical_solution!]), { vocabSize: 300 });
const special = specialIds(tokenizer);
const cfg = transformerConfig({ nLayer: 2, nHead: 2, nEmbd: 32, maxSeqLen: 32, vocabSize: tokenizer.vocabSize });
const sftConfig = { steps: 200, batchSize: 8, lr: 1e-2, minLr: 1e-3, warmupSteps: 2 };

test('SFT learns the solutions: the loss falls, the prompt is not trained, greedy samples reproduce the training set', async () => {
  const seen: number[] = [];
  const sft = await trainSft(engine, { config: cfg }, tokenizer, { train: problems, heldout: problems.slice(0, 2) }, sftConfig, {
    onProgress: (p) => seen.push(p.done),
  });
  expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  const { losses } = sft.metrics;
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 4);
  expect(sft.metrics.heldoutLoss).not.toBeNull();
  const samples = await sampleTokens(engine, sft.model, tokenizer, special, problems.map((p) => promptTokens(tokenizer, special, p.prompt)), samplingConfigSchema.parse({ n: 1, temperature: 0, maxNewTokens: 12 }));
  const right = samples.filter((s) => s.text === problems[s.prompt]!.canonical_solution && s.finish === 'eos').length;
  console.log(`SFT: loss ${losses[0]!.toFixed(2)} -> ${losses[losses.length - 1]!.toFixed(3)}, ${right}/${problems.length} greedy samples exact`);
  expect(right).toBeGreaterThanOrEqual(problems.length - 2);
});

test('a run interrupted after a checkpoint resumes from it exactly', async () => {
  const data = { train: problems, heldout: [] };
  const config = { ...sftConfig, steps: 6, checkpointEvery: 3 };
  const straight = await trainSft(engine, { config: cfg }, tokenizer, data, config);
  const file = join(dir, 'sft.safetensors');
  // The "crash": the progress callback throws at step 4, after the step-3 checkpoint was written.
  const crash = trainSft(engine, { config: cfg }, tokenizer, data, config, {
    checkpoint: file,
    onProgress: (p) => {
      if (p.done === 4) throw new Error('interrupted');
    },
  });
  await expect(crash).rejects.toThrow('interrupted');
  const resumed = await trainSft(engine, { config: cfg }, tokenizer, data, config, { checkpoint: file });
  // The history before the checkpoint comes back with it: the resumed run reports the uninterrupted losses.
  expect(resumed.metrics.losses).toEqual(straight.metrics.losses);
  const a = await straight.trainer.parameters();
  const b = await resumed.trainer.parameters();
  for (const name of Object.keys(a)) expect(b[name]!.data).toEqual(a[name]!.data);
});
