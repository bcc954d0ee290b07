import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertCheckpoint } from '../../../core/store/loop-records';
import { openStore } from '../../../core/store/open-store';
import { insertLineLabels, lineLabelsOf, prefixCompletionsOf } from '../../../core/store/prm-records';
import { createRun, ensureIteration } from '../../../core/store/runs';

describe('line label records', () => {
  it('keeps a chunk of labels with the completions behind them, in a store opened from schema version 5', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rr-prm-store-')), 'run.sqlite');
    openStore(file, { upToVersion: 5 }).close();
    const db = openStore(file);
    const run = createRun(db, { name: 'r', config: {}, seed: 1 });
    const iteration = ensureIteration(db, run.id, 0);
    const problemId = Number(
      db.prepare("INSERT INTO problems (run_id, task_id, language, split, prompt, data_json) VALUES (?, 'p', 'python', 'train', 'def f():\n', '{}')").run(run.id)
        .lastInsertRowid,
    );
    const candidateId = Number(
      db.prepare("INSERT INTO candidates (iteration_id, problem_id, sample_idx, code) VALUES (?, ?, 0, '    x = 1\n    return y\n')").run(iteration.id, problemId)
        .lastInsertRowid,
    );
    insertLineLabels(
      db,
      [{ candidateId, labels: [1, -1], lastRecoverable: 1, prefixChecks: 1, executions: 2, seconds: 0.5 }],
      [
        { candidateId, prefixLines: 1, sampleIdx: 1, code: '    x = 1\n    return x\n', status: 'OK', passed: true },
        { candidateId, prefixLines: 1, sampleIdx: 0, code: '    x = 1\n    return z\n', status: 'Exception', passed: false },
      ],
    );
    expect([...lineLabelsOf(db, iteration.id).values()]).toEqual([
      { candidateId, labels: [1, -1], lastRecoverable: 1, prefixChecks: 1, executions: 2, seconds: 0.5 },
    ]);
    expect(prefixCompletionsOf(db, candidateId).map((c) => [c.sampleIdx, c.passed])).toEqual([
      [0, false],
      [1, true],
    ]);
    // The PRM is a checkpoint kind of its own.
    expect(insertCheckpoint(db, { runId: run.id, iterationId: iteration.id, kind: 'prm', path: 'prm.safetensors', parentId: null })).toBeGreaterThan(0);
    db.close();
  });
});
