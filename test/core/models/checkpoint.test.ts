import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadModel, saveModel } from '../../../core/models/checkpoint';
import { transformerConfig } from '../../../core/models/transformer';
import { initialWeights } from './model-fixture';
import { oneLineError as oneLine } from '../../support/one-line-error';

const dir = mkdtempSync(join(tmpdir(), 'model-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 16, maxSeqLen: 16, vocabSize: 40 });
const tensors = initialWeights(config, ['reward'], 1, 0.1);

test('a model saves as safetensors + JSON config and loads back bit for bit', () => {
  saveModel(join(dir, 'rm'), { config, heads: ['reward'], tensors });
  const back = loadModel(join(dir, 'rm.safetensors'));
  expect(back.config).toEqual(config);
  expect(back.heads).toEqual(['reward']);
  for (const [name, t] of Object.entries(tensors)) expect(back.tensors[name]!.data).toEqual(t.data);
});

test('corrupt, truncated or mismatched checkpoints are refused in one line naming the file and the problem', () => {
  const base = join(dir, 'bad');
  saveModel(base, { config, heads: ['reward'], tensors });
  const weights = `${base}.safetensors`;
  const good = readFileSync(weights);

  truncateSync(weights, good.length - 10);
  expect(oneLine(() => loadModel(base))).toMatch(new RegExp(`^${weights}: truncated`));
  writeFileSync(weights, good.subarray(0, 4));
  expect(oneLine(() => loadModel(base))).toMatch(new RegExp(`^${weights}: truncated`));
  const header = Buffer.from(good);
  header.write('!', 8);
  writeFileSync(weights, header);
  expect(oneLine(() => loadModel(base))).toMatch(new RegExp(`^${weights}: the header is not valid JSON`));
  writeFileSync(weights, good);

  // A config that does not fit the weights (two layers where the file holds one).
  const json = `${base}.json`;
  const original = readFileSync(json, 'utf8');
  writeFileSync(json, original.replace('"nLayer": 1', '"nLayer": 2'));
  expect(oneLine(() => loadModel(base))).toBe(`${weights}: tensor 'layers.1.input_layernorm.weight' is missing (the config's llama model needs it)`);
  writeFileSync(json, original.replace('"arch": "llama"', '"arch": "mamba"'));
  expect(oneLine(() => loadModel(base))).toMatch(new RegExp(`^${json}: key 'config.arch': `));
  writeFileSync(json, '{ not json');
  expect(oneLine(() => loadModel(base))).toMatch(new RegExp(`^${json}: not JSON`));
});
