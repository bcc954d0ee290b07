import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect, test } from 'vitest';
import { exportReranker, readReranker } from '../../../core/models/export';
import { uploadModel } from '../../../core/models/programs';
import { specialIds } from '../../../core/models/tokenizers';
import { transformerConfig } from '../../../core/models/transformer';
import { scoreCandidates } from '../../../core/train/reward-trainer';
import { initialWeights, tinyTokenizer } from './model-fixture';
import { useEngine, useTempDir } from '../../support/engine-fixture';

const engine = useEngine();
const dir = useTempDir('export-test-');

const tokenizer = tinyTokenizer();
const special = specialIds(tokenizer);
const cfg = transformerConfig({ arch: 'qwen2', nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 32, maxSeqLen: 64, vocabSize: tokenizer.vocabSize, rewardLogProbWeight: 1 });
const weights = initialWeights(cfg, ['reward'], 7, 0.05);
const items = [
  { prompt: 'def add(a, b):\n', completion: '    return a + b\n' },
  { prompt: 'def add(a, b):\n', completion: '    return a - b\n' },
  { prompt: 'def upper(s):\n', completion: '    return s.upper()\n' },
];

test('the exported reranker runs in a bare onnxruntime session and scores as the engine does', async () => {
  const file = join(dir, 'reranker.onnx');
  exportReranker(file, cfg, weights, tokenizer);
  const model = await uploadModel(engine, cfg, ['reward'], weights);
  const ours = await scoreCandidates(engine, model, tokenizer, items);

  // No code of ours from here: tokens by hand (bos + prompt + completion + eos), right padding, int64 inputs.
  // token_type_ids: 1 on the completion and eos, what the log-prob term averages.
  const prompts = items.map((it) => [special.bos, ...tokenizer.encode(it.prompt)]);
  const rows = items.map((it, i) => [...prompts[i]!, ...tokenizer.encode(it.completion), special.eos]);
  const T = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * T).fill(BigInt(special.pad));
  const mask = new BigInt64Array(rows.length * T);
  const types = new BigInt64Array(rows.length * T);
  rows.forEach((r, b) => r.forEach((tok, t) => ((ids[b * T + t] = BigInt(tok)), (mask[b * T + t] = 1n), (types[b * T + t] = t >= prompts[b]!.length ? 1n : 0n))));
  const session = await ort.InferenceSession.create(file);
  expect([...session.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
  const dims = [rows.length, T];
  const out = await session.run({ input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims), token_type_ids: new ort.Tensor('int64', types, dims) });
  const theirs = Array.from(out.score!.data as Float32Array);
  expect(theirs).toHaveLength(3);
  for (let i = 0; i < 3; i++) expect(Math.abs(theirs[i]! - ours[i]!)).toBeLessThan(1e-5);
  expect(new Set(theirs.map((s) => s.toFixed(6))).size).toBe(3);

  // The tokenizer travels in the file's metadata.
  const back = readReranker(file);
  expect(back.tokenizer.toJson()).toBe(tokenizer.toJson());
  expect(back.maxLength).toBe(64);
});

test('the official ONNX checker (Debian python3-onnx) accepts the exported reranker', () => {
  const file = join(dir, 'checked.onnx');
  exportReranker(file, cfg, weights, tokenizer);
  const out = execFileSync('/usr/bin/python3', ['-c', 'import sys, onnx; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True); print("ok", sorted(i.name for i in m.graph.input))', file], {
    encoding: 'utf8',
  });
  expect(out.trim()).toBe("ok ['attention_mask', 'input_ids', 'token_type_ids']");
});

test('a file that is not an exported reranker is refused in one line naming it', () => {
  const bad = join(dir, 'bad.onnx');
  writeFileSync(bad, 'not a model at all');
  expect(() => readReranker(bad)).toThrow(new RegExp(`^${bad}: `));
});
