import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportLabels, importLabels } from '../../../core/loop/labels-io';
import { iterate, storeFile } from '../../../core/loop/pipeline';
import { runConfigSchema } from '../../../core/loop/run-config';
import { exportRun } from '../../../core/loop/run-export';
import { iterationStages } from '../../../core/loop/stages/index';
import { appendLabel } from '../../../core/store/labels';
import { openStore } from '../../../core/store/open-store';
import { findRun } from '../../../core/store/runs';
import { writeDefaultSetCandidates } from '../../support/default-set-candidates';

const smallRun = (candidatesFile: string) =>
  runConfigSchema.parse({
    iterations: 1,
    generate: { candidatesFile },
    execute: { timeoutS: 1 },
    reward: { init: 'scratch', steps: 8, batchPairs: 8 },
    reranker: { nLayer: 1, nEmbd: 32, nHead: 2 },
  });

describe('exporting a run and its labels', () => {
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'rr-export-'));
    await iterate({ workspace, config: smallRun(writeDefaultSetCandidates()), stages: iterationStages });
  }, 180_000);

  it("writes TRL pairs, judged candidates and a reranker that plain onnxruntime runs", async () => {
    const out = mkdtempSync(join(tmpdir(), 'rr-export-out-'));
    const db = openStore(storeFile(workspace));
    const summary = exportRun(db, findRun(db, 'default')!, out);
    db.close();
    const pairs = readFileSync(join(out, 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(pairs.length).toBe(summary.pairs);
    expect(Object.keys(pairs[0]!).sort()).toEqual(['chosen', 'prompt', 'rejected', 'task_id', 'weight']);
    expect(pairs.every((p) => p.chosen !== p.rejected)).toBe(true);
    const candidates = readFileSync(join(out, 'candidates.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { split: string; score: number | null; passed: boolean });
    expect(candidates).toHaveLength(summary.candidates);
    expect(candidates.filter((c) => c.split === 'heldout').every((c) => typeof c.score === 'number')).toBe(true);

    const session = await ort.InferenceSession.create(summary.reranker!);
    expect([...session.inputNames].sort()).toEqual(['attention_mask', 'input_ids']);
  });

  it('carries labels into another copy of the store, all or nothing', () => {
    const db = openStore(storeFile(workspace));
    const [first, second] = db.prepare('SELECT id FROM candidates ORDER BY id LIMIT 2').all() as Array<{ id: number }>;
    appendLabel(db, { candidateId: first!.id, verdict: 'fail', note: 'wrong on empty input', author: 'ana' });
    appendLabel(db, { candidateId: second!.id, verdict: 'pass', author: 'ben' });
    const file = join(mkdtempSync(join(tmpdir(), 'rr-labels-')), 'labels.jsonl');
    expect(exportLabels(db, file)).toBe(2);
    expect(importLabels(db, file)).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM labels').get()).toEqual({ n: 4 });

    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const broken = lines[1]!.replace('"sample":', '"sampel":');
    writeFileSync(file, `${lines[0]}\n${broken}\n`);
    expect(() => importLabels(db, file)).toThrow(new RegExp(`^${file}:line 2: 'sample': `));
    expect(db.prepare('SELECT count(*) AS n FROM labels').get()).toEqual({ n: 4 });
    db.close();
  });

  it('refuses a config with an unknown key, and a malformed problem file, in one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-bad-'));
    const config = join(dir, 'run.jsonc');
    writeFileSync(config, '{\n  "iterations": 1,\n  "sampling": { "temprature": 0.8 }\n}\n');
    const cli = (args: string[]) => spawnSync(process.execPath, ['bin/rewardranker.js', ...args], { encoding: 'utf8' });
    const bad = cli(['iterate', '--workspace', join(dir, 'ws'), '--config', config]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(new RegExp(`^rewardranker: ${config}: line 3: unknown key 'sampling.temprature' \\(known here: .*temperature`));
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const problems = join(dir, 'problems.jsonl');
    writeFileSync(problems, '{"task_id": "a/1", "prompt": "def f():", "canonical_solution": "  return 1", "test": "", "entry_point": "f"}\n{"task_id": "a/2", "prompt": 3}\n');
    writeFileSync(config, JSON.stringify({ problems: { path: problems } }));
    const malformed = cli(['iterate', '--workspace', join(dir, 'ws2'), '--config', config]);
    expect(malformed.status).toBe(1);
    expect(malformed.stderr.trim()).toMatch(new RegExp(`^rewardranker: ${problems}:line 2: `));
    expect(malformed.stderr.trim().split('\n')).toHaveLength(1);

    writeFileSync(join(dir, 'run.sqlite'), 'not a database');
    const store = cli(['status', '--workspace', dir]);
    expect(store.status).toBe(1);
    expect(store.stderr.trim()).toBe(`rewardranker: ${join(dir, 'run.sqlite')}: cannot open the run store (not a SQLite database (corrupt, or another kind of file))`);
    expect(readFileSync(join(dir, 'run.sqlite'), 'utf8')).toBe('not a database');
  });
});
