import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test, vi } from 'vitest';
import { score } from '../../../core/cli/score';
import { Engine } from '../../../core/engine/engine';
import { exportReranker } from '../../../core/models/export';
import { uploadModel } from '../../../core/models/programs';
import { transformerConfig } from '../../../core/models/transformer';
import { scoreCandidates } from '../../../core/train/reward-trainer';
import { initialWeights, tinyTokenizer } from '../models/model-fixture';

const dir = mkdtempSync(join(tmpdir(), 'score-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('rewardranker score ranks each problem\'s candidates best first with the exported reranker', async () => {
  const tokenizer = tinyTokenizer();
  const config = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 16, maxSeqLen: 48, vocabSize: tokenizer.vocabSize });
  const weights = initialWeights(config, ['reward'], 2, 0.2);
  const model = join(dir, 'reranker.onnx');
  exportReranker(model, config, weights, tokenizer);
  const problem = (id: string, name: string): string =>
    JSON.stringify({ task_id: id, language: 'python', prompt: `def ${name}(a, b):\n`, prefix: `def ${name}(a, b):\n`, suffix: '', canonical_solution: null });
  writeFileSync(join(dir, 'problems.jsonl'), `${problem('p1', 'add')}\n${problem('p2', 'sub')}\n`);
  const completions = [
    ['p1', '    return a + b\n'],
    ['p2', '    return a - b\n'],
    ['p1', '    return a - b\n'],
    ['p1', '    return b + a\n'],
    ['p2', '    return b - a\n'],
  ] as const;
  writeFileSync(join(dir, 'candidates.jsonl'), completions.map(([task_id, completion]) => JSON.stringify({ task_id, completion })).join('\n') + '\n');

  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await score({ model, problems: join(dir, 'problems.jsonl'), candidates: join(dir, 'candidates.jsonl'), json: true });
  } finally {
    spy.mockRestore();
  }
  const rows = lines.map((l) => JSON.parse(l) as { task_id: string; rank: number; score: number; candidate: number });
  expect(rows).toHaveLength(5);

  // The same scores as the engine's reranker over the same weights, ranked best first within each problem.
  const engine = await Engine.start();
  const ref = await scoreCandidates(engine, await uploadModel(engine, config, ['reward'], weights), tokenizer, completions.map(([id, completion]) => ({ prompt: `def ${id === 'p1' ? 'add' : 'sub'}(a, b):\n`, completion })));
  await engine.close();
  for (const r of rows) expect(Math.abs(r.score - ref[r.candidate - 1]!)).toBeLessThan(1e-5);
  for (const task of ['p1', 'p2']) {
    const mine = rows.filter((r) => r.task_id === task);
    expect(mine.map((r) => r.rank)).toEqual(mine.map((_, i) => i + 1));
    const scores = mine.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  }
  expect(rows.filter((r) => r.task_id === 'p1').map((r) => r.candidate).sort()).toEqual([1, 3, 4]);
});

test('a candidate naming an unknown task is refused naming the file and the line', async () => {
  writeFileSync(join(dir, 'p.jsonl'), JSON.stringify({ task_id: 'p1', language: 'python', prompt: 'x', prefix: '', suffix: '' }) + '\n');
  writeFileSync(join(dir, 'c.jsonl'), JSON.stringify({ task_id: 'nope', completion: 'y' }) + '\n');
  const tokenizer = tinyTokenizer();
  const config = transformerConfig({ nLayer: 1, nHead: 2, nEmbd: 16, maxSeqLen: 48, vocabSize: tokenizer.vocabSize });
  exportReranker(join(dir, 'r.onnx'), config, initialWeights(config, ['reward'], 2), tokenizer);
  await expect(score({ model: join(dir, 'r.onnx'), problems: join(dir, 'p.jsonl'), candidates: join(dir, 'c.jsonl') })).rejects.toThrow(
    `${join(dir, 'c.jsonl')}: candidate 1: key "task_id": no task "nope" in ${join(dir, 'p.jsonl')}`,
  );
});
