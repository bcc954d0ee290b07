import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkedJson } from '../../../core/store/json-column';
import { appendLabel, appendLabels, candidateByName, labelHistory, labelsByName, overridingLabels } from '../../../core/store/labels';
import { latestSchemaVersion } from '../../../core/store/migrations';
import { openStore, schemaVersion, type Db } from '../../../core/store/open-store';
import { runReadOnlyQuery } from '../../../core/store/read-only-query';
import { completeStage, createRun, ensureIteration, findRun, stagesOf } from '../../../core/store/runs';
import { StoreError } from '../../../core/store/store-error';
import { bundleEntry } from '../../support/bundle-entry';

const tempStore = (): string => join(mkdtempSync(join(tmpdir(), 'rr-store-')), 'run.sqlite');

function seed(db: Db): { runId: number; iterationId: number; candidateId: number } {
  const run = createRun(db, { name: 'r1', config: { samples: 8 }, seed: 7 });
  const iteration = ensureIteration(db, run.id, 0);
  const problemId = Number(
    db
      .prepare("INSERT INTO problems (run_id, task_id, language, split, prompt, data_json) VALUES (?, 'p/0', 'python', 'train', 'def f():', '{}')")
      .run(run.id).lastInsertRowid,
  );
  const candidateId = Number(
    db.prepare("INSERT INTO candidates (iteration_id, problem_id, sample_idx, code) VALUES (?, ?, 0, 'return 1')").run(iteration.id, problemId)
      .lastInsertRowid,
  );
  return { runId: run.id, iterationId: iteration.id, candidateId };
}

describe('opening the run store', () => {
  it('creates a WAL store at the latest schema version', () => {
    const db = openStore(tempStore());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
  });

  it('opens a store written by an older schema version, keeping its data', () => {
    const file = tempStore();
    const old = openStore(file, { upToVersion: 1 });
    expect(schemaVersion(old)).toBe(1);
    const { candidateId } = seed(old);
    old.close();

    const db = openStore(file);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    expect(db.prepare('SELECT code FROM candidates WHERE id = ?').get(candidateId)).toEqual({ code: 'return 1' });
    appendLabel(db, { candidateId, verdict: 'fail', author: 'ana' });
    expect(labelHistory(db, candidateId)).toHaveLength(1);
    db.close();
  });

  it('refuses a store from a newer version in one line, leaving the file untouched', () => {
    const file = tempStore();
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(file);
    expect(() => openStore(file)).toThrow(
      `${file}: written by a newer RewardRanker (schema version 99; this one knows up to ${latestSchemaVersion}): update the app`,
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database, naming it, and does not change it', () => {
    const file = tempStore();
    writeFileSync(file, 'task_id,completion\nHumanEval/0,pass\n');
    const error = (() => {
      try {
        openStore(file);
      } catch (err) {
        return err as Error;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect(error!.message).toBe(`${file}: cannot open the run store (not a SQLite database (corrupt, or another kind of file))`);
    expect(error!.message).not.toContain('\n');
    expect(readFileSync(file, 'utf8')).toBe('task_id,completion\nHumanEval/0,pass\n');
  });

  it("refuses another program's SQLite database", () => {
    const file = tempStore();
    const other = new Database(file);
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    expect(() => openStore(file)).toThrow(/not a RewardRanker run store/);
  });
});

describe('stages', () => {
  it("commits a stage's rows and its record together, or neither", () => {
    const db = openStore(tempStore());
    const { iterationId } = seed(db);
    const count = (): number => (db.prepare('SELECT count(*) AS n FROM candidates').get() as { n: number }).n;
    expect(() =>
      completeStage(db, iterationId, 'generate', new Date().toISOString(), () => {
        db.prepare("INSERT INTO candidates (iteration_id, problem_id, sample_idx, code) SELECT ?, problem_id, 1, 'x' FROM candidates").run(iterationId);
        throw new Error('sampler crashed');
      }),
    ).toThrow('sampler crashed');
    expect(count()).toBe(1);
    expect(stagesOf(db, iterationId)).toEqual([]);

    completeStage(db, iterationId, 'generate', new Date().toISOString(), () => {
      db.prepare("INSERT INTO candidates (iteration_id, problem_id, sample_idx, code) SELECT ?, problem_id, 1, 'x' FROM candidates").run(iterationId);
    }, { samples: 2 });
    expect(count()).toBe(2);
    expect(stagesOf(db, iterationId)).toMatchObject([{ stage: 'generate', status: 'done', output: { samples: 2 } }]);
    db.close();
  });

  it('loses nothing committed and keeps nothing half-written when the process is killed mid-stage', async () => {
    const file = tempStore();
    const child = await bundleEntry('test/core/store/crash-child.ts');
    const result = spawnSync(process.execPath, [child, file], { encoding: 'utf8' });
    expect(result.signal, result.stderr).toBe('SIGKILL');
    expect(result.stdout).toContain('ready');

    const db = openStore(file);
    expect(db.prepare('SELECT name FROM runs').all()).toEqual([{ name: 'crash' }]);
    expect(db.prepare('SELECT count(*) AS n FROM problems').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM candidates').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM stages').get()).toEqual({ n: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});

describe('labels', () => {
  it('keep every label ever given, refusing updates and deletes', () => {
    const db = openStore(tempStore());
    const { candidateId } = seed(db);
    appendLabel(db, { candidateId, verdict: 'pass', note: 'tests too weak', author: 'ana' });
    appendLabel(db, { candidateId, verdict: 'fail', note: 'off by one on empty input', author: 'ben' });
    expect(() => db.prepare("UPDATE labels SET verdict = 'pass'").run()).toThrow('labels are append-only');
    expect(() => db.prepare('DELETE FROM labels').run()).toThrow('labels are append-only');
    expect(() => db.prepare('DELETE FROM candidates').run()).toThrow(/FOREIGN KEY/);
    expect(labelHistory(db, candidateId).map((l) => [l.verdict, l.author])).toEqual([
      ['pass', 'ana'],
      ['fail', 'ben'],
    ]);
    db.close();
  });

  it('override the verdict with the latest label, which "unsure" withdraws', () => {
    const db = openStore(tempStore());
    const { runId, candidateId } = seed(db);
    expect(overridingLabels(db, runId).size).toBe(0);
    appendLabel(db, { candidateId, verdict: 'pass', author: 'ana' });
    expect(overridingLabels(db, runId).get(candidateId)).toBe('pass');
    appendLabel(db, { candidateId, verdict: 'unsure', author: 'ana' });
    expect(overridingLabels(db, runId).has(candidateId)).toBe(false);
    db.close();
  });
});

describe('labels by name', () => {
  it('find a candidate by run, iteration, task and sample, and list labels under those names', () => {
    const db = openStore(tempStore());
    const { candidateId } = seed(db);
    expect(candidateByName(db, { run: 'r1', iteration: 0, taskId: 'p/0', sample: 0 })).toEqual({ id: candidateId, code: 'return 1' });
    expect(candidateByName(db, { run: 'r1', iteration: 1, taskId: 'p/0', sample: 0 })).toBeNull();
    appendLabels(db, [
      { candidateId, verdict: 'fail', author: 'ana' },
      { candidateId, verdict: 'pass', note: 'fixed tests', author: 'ben' },
    ]);
    expect(labelsByName(db).map((l) => [l.run, l.iteration, l.task_id, l.sample, l.completion, l.verdict, l.note, l.author])).toEqual([
      ['r1', 0, 'p/0', 0, 'return 1', 'fail', '', 'ana'],
      ['r1', 0, 'p/0', 0, 'return 1', 'pass', 'fixed tests', 'ben'],
    ]);
    db.close();
  });
});

describe('JSON columns', () => {
  it('come back checked by their schema, or as one line naming the store and the row', () => {
    const file = tempStore();
    const db = openStore(file);
    seed(db);
    const run = findRun(db, 'r1')!;
    expect(checkedJson(db, z.object({ samples: z.number() }), run.config, "run 'r1': config")).toEqual({ samples: 8 });
    expect(() => checkedJson(db, z.object({ samples: z.string() }), run.config, "run 'r1': config")).toThrow(
      new RegExp(`^${file}: run 'r1': config: 'samples': .*expected string`),
    );
    db.close();
  });
});

describe('notebook SQL cells', () => {
  it('answer SELECTs with columns and rows, capped at the limit', () => {
    const file = tempStore();
    const db = openStore(file);
    seed(db);
    db.close();
    const result = runReadOnlyQuery(file, 'SELECT name, seed FROM runs');
    expect(result).toEqual({ columns: ['name', 'seed'], rows: [['r1', 7]], truncated: false });
    const capped = runReadOnlyQuery(file, 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 50) SELECT i FROM n', 10);
    expect(capped.rows).toHaveLength(10);
    expect(capped.truncated).toBe(true);
  });

  it('refuse statements that write, and bad SQL, in one line naming the store', () => {
    const file = tempStore();
    openStore(file).close();
    expect(() => runReadOnlyQuery(file, "INSERT INTO runs (name, created_at, config_json, seed) VALUES ('x', '', '{}', 1)")).toThrow(
      `${file}: SQL cells are read-only: use SELECT`,
    );
    expect(() => runReadOnlyQuery(file, 'SELEC nonsense')).toThrow(new RegExp(`^${file}: SQL: near "SELEC"`));
    expect(execFileSync('ls', [file]).toString().trim()).toBe(file);
  });
});
