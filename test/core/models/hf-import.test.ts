import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { importHfModel } from '../../../core/models/hf-import';
import { logitsProgram, uploadModel } from '../../../core/models/programs';
import { specialIds, trainTokenizer } from '../../../core/models/tokenizers';
import { promptTokens, sampleTokens, samplingConfigSchema } from '../../../core/models/sampling';
import { makeProblem } from '../../../core/data/problem';
import { trainSft } from '../../../core/train/sft-trainer';
import { tinyTokenizer } from './model-fixture';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const root = useTempDir('hf-import-');

const script = join(import.meta.dirname, 'hf_reference.py');
const tokenizer = tinyTokenizer();
const tokens = tokenizer.encode('def add(a, b):\n    return a + b\n');

/** A random checkpoint in Hugging Face's layout (written by PyTorch) and its reference logits (T, V). */
function checkpoint(arch: 'llama' | 'qwen2', sharded: boolean, name = `${arch}-${sharded ? 'sharded' : 'single'}`): { dir: string; reference: number[][] } {
  const dir = join(root, name);
  mkdirSync(dir);
  tokenizer.save(join(dir, 'tokenizer.json'));
  const out = execFileSync('/usr/bin/python3', [script, dir, arch, sharded ? '1' : '0', JSON.stringify(tokens)], { encoding: 'utf8' });
  return { dir, reference: JSON.parse(out) as number[][] };
}

for (const [arch, sharded] of [['llama', false], ['qwen2', true]] as const) {
  test(`a ${arch} checkpoint (${sharded ? 'two shards' : 'one file'}) imports with logits equal to PyTorch's within 1e-4`, async () => {
    const { dir, reference } = checkpoint(arch, sharded);
    const imported = importHfModel(dir);
    expect(imported.config.arch).toBe(arch);
    expect(imported.config.nKvHead).toBe(2);
    const model = await uploadModel(engine, imported.config, ['lm'], imported.tensors);
    const out = await engine.run(logitsProgram(model), {
      feeds: { ...model.feeds, idx: { dtype: 'int64', dims: [1, tokens.length], data: BigInt64Array.from(tokens, BigInt) } },
      fetch: ['logits'],
    });
    const got = out.logits!.data as Float32Array;
    const V = imported.config.vocabSize;
    let worst = 0;
    reference.forEach((row, t) => row.forEach((want, v) => (worst = Math.max(worst, Math.abs(got[t * V + v]! - want)))));
    console.log(`${arch}: max |logit - PyTorch| = ${worst.toExponential(2)} over ${reference.length} x ${V}`);
    expect(worst).toBeLessThan(1e-4);
  });
}

test('bad checkpoints are refused in one line naming the file and the problem', () => {
  const { dir } = checkpoint('llama', false, 'broken');
  const oneLine = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg.split('\n')).toHaveLength(1);
      return msg;
    }
    throw new Error('expected an error');
  };
  const config = join(dir, 'config.json');
  const original = readFileSync(config, 'utf8');

  writeFileSync(config, JSON.stringify({ ...JSON.parse(original), model_type: 'mamba' }));
  expect(oneLine(() => importHfModel(dir))).toBe(`${config}: key 'model_type': architecture "mamba" is not supported (llama, qwen2)`);
  writeFileSync(config, original);

  // A tokenizer with more tokens than the model embeds does not belong to it.
  const big = trainTokenizer(['x'.repeat(10), 'def f():\n    return 1\n'], { vocabSize: 400 });
  const bigJson = JSON.parse(big.toJson()) as { model: { vocab: Record<string, number> } };
  for (let i = 0; i < 200; i++) bigJson.model.vocab[`tok${i}`] = 300 + i;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(bigJson));
  expect(oneLine(() => importHfModel(dir))).toMatch(new RegExp(`^${join(dir, 'tokenizer.json')}: the tokenizer has 500 tokens but the model .* embeds 320`));
  tokenizer.save(join(dir, 'tokenizer.json'));

  const weights = join(dir, 'model.safetensors');
  const size = readFileSync(weights).length;
  truncateSync(weights, size - 100);
  expect(oneLine(() => importHfModel(dir))).toMatch(new RegExp(`^${weights}: truncated`));
  writeFileSync(weights, 'garbage that is not a safetensors file at all');
  expect(oneLine(() => importHfModel(dir))).toMatch(new RegExp(`^${weights}: `));
});

test('an imported checkpoint fine-tunes with LoRA: the loss falls, only the adapters train, sampling uses base + adapters', async () => {
  const { dir } = checkpoint('llama', false, 'lora');
  const imported = importHfModel(dir);
  const problems = ['add', 'sub'].map((name, i) =>
    makeProblem({ task_id: name, language: 'python', prompt: `def ${name}(a, b):\n`, prefix: '', suffix: '', canonical_solution: `    return a ${'+-'[i]} b\n` }),
  );
  const targets = Object.keys(imported.tensors).filter((n) => /_proj\.weight$/.test(n));
  const sft = await trainSft(engine, { config: imported.config, tensors: imported.tensors, lora: { rank: 8, targets } }, imported.tokenizer, { train: problems, heldout: [] }, {
    steps: 40,
    batchSize: 2,
    lr: 5e-2,
    minLr: 5e-3,
    warmupSteps: 0,
  });
  const { losses } = sft.metrics;
  console.log(`LoRA on the imported llama: loss ${losses[0]!.toFixed(3)} -> ${losses[losses.length - 1]!.toFixed(3)}`);
  expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 4);
  const trained = Object.keys(await sft.trainer.parameters()).sort();
  expect(trained).toEqual(targets.flatMap((n) => [`${n}.lora_A`, `${n}.lora_B`]).sort());
  const special = specialIds(imported.tokenizer);
  const samples = await sampleTokens(engine, sft.model, imported.tokenizer, special, [promptTokens(imported.tokenizer, special, problems[0]!.prompt)], samplingConfigSchema.parse({ n: 1, temperature: 0, maxNewTokens: 10 }));
  expect(samples[0]!.text).toBe('    return a + b\n');
});
