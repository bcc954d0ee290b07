import type { Db } from './open-store';

export interface RunRow {
  id: number;
  name: string;
  createdAt: string;
  config: unknown;
  seed: number;
}

export type IterationStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface IterationRow {
  id: number;
  runId: number;
  index: number;
  status: IterationStatus;
  metrics: unknown;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StageRow {
  stage: string;
  status: 'done' | 'failed';
  startedAt: string;
  finishedAt: string;
  output: unknown;
  error: string | null;
}

const now = (): string => new Date().toISOString();
const parse = (json: string | null): unknown => (json === null ? null : (JSON.parse(json) as unknown));

export function createRun(db: Db, run: { name: string; config: unknown; seed: number }): RunRow {
  const createdAt = now();
  const info = db
    .prepare('INSERT INTO runs (name, created_at, config_json, seed) VALUES (?, ?, ?, ?)')
    .run(run.name, createdAt, JSON.stringify(run.config), run.seed);
  return { id: Number(info.lastInsertRowid), name: run.name, createdAt, config: run.config, seed: run.seed };
}

export function findRun(db: Db, name: string): RunRow | null {
  const row = db.prepare('SELECT id, name, created_at, config_json, seed FROM runs WHERE name = ?').get(name) as
    | { id: number; name: string; created_at: string; config_json: string; seed: number }
    | undefined;
  return row ? { id: row.id, name: row.name, createdAt: row.created_at, config: parse(row.config_json), seed: row.seed } : null;
}

/** The iteration with this index, created (pending) if it does not exist yet. */
export function ensureIteration(db: Db, runId: number, index: number): IterationRow {
  db.prepare("INSERT OR IGNORE INTO iterations (run_id, idx, status) VALUES (?, ?, 'pending')").run(runId, index);
  return iterationByIndex(db, runId, index)!;
}

export function listIterations(db: Db, runId: number): IterationRow[] {
  const rows = db.prepare('SELECT * FROM iterations WHERE run_id = ? ORDER BY idx').all(runId) as IterationDbRow[];
  return rows.map(toIteration);
}

export function setIterationStatus(db: Db, iterationId: number, status: IterationStatus, metrics?: unknown): void {
  const time = now();
  db.prepare(
    `UPDATE iterations SET status = ?,
       started_at = COALESCE(started_at, ?),
       finished_at = CASE WHEN ? IN ('done', 'failed', 'cancelled') THEN ? ELSE NULL END,
       metrics_json = COALESCE(?, metrics_json)
     WHERE id = ?`,
  ).run(status, time, status, time, metrics === undefined ? null : JSON.stringify(metrics), iterationId);
}

export function setIterationMetrics(db: Db, iterationId: number, metrics: unknown): void {
  db.prepare('UPDATE iterations SET metrics_json = ? WHERE id = ?').run(JSON.stringify(metrics), iterationId);
}

export function stagesOf(db: Db, iterationId: number): StageRow[] {
  const rows = db
    .prepare('SELECT stage, status, started_at, finished_at, output_json, error FROM stages WHERE iteration_id = ? ORDER BY finished_at')
    .all(iterationId) as Array<{
    stage: string;
    status: 'done' | 'failed';
    started_at: string;
    finished_at: string;
    output_json: string | null;
    error: string | null;
  }>;
  return rows.map((r) => ({
    stage: r.stage,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    output: parse(r.output_json),
    error: r.error,
  }));
}

/**
 * Commits a stage: its own writes and the record that it finished, in one transaction. A crash before the commit
 * leaves neither, so the stage runs again on resume; a crash after leaves both, so it is skipped.
 */
export function completeStage<T>(
  db: Db,
  iterationId: number,
  stage: string,
  startedAt: string,
  write: () => T,
  output?: unknown,
): T {
  return db.transaction(() => {
    const result = write();
    db.prepare(
      `INSERT INTO stages (iteration_id, stage, status, started_at, finished_at, output_json, error)
       VALUES (?, ?, 'done', ?, ?, ?, NULL)
       ON CONFLICT (iteration_id, stage) DO UPDATE SET status = 'done', started_at = excluded.started_at,
         finished_at = excluded.finished_at, output_json = excluded.output_json, error = NULL`,
    ).run(iterationId, stage, startedAt, now(), output === undefined ? null : JSON.stringify(output));
    return result;
  })();
}

export function failStage(db: Db, iterationId: number, stage: string, startedAt: string, error: string): void {
  db.prepare(
    `INSERT INTO stages (iteration_id, stage, status, started_at, finished_at, output_json, error)
     VALUES (?, ?, 'failed', ?, ?, NULL, ?)
     ON CONFLICT (iteration_id, stage) DO UPDATE SET status = 'failed', finished_at = excluded.finished_at,
       error = excluded.error`,
  ).run(iterationId, stage, startedAt, now(), error);
}

interface IterationDbRow {
  id: number;
  run_id: number;
  idx: number;
  status: IterationStatus;
  metrics_json: string | null;
  started_at: string | null;
  finished_at: string | null;
}

function iterationByIndex(db: Db, runId: number, index: number): IterationRow | null {
  const row = db.prepare('SELECT * FROM iterations WHERE run_id = ? AND idx = ?').get(runId, index) as IterationDbRow | undefined;
  return row ? toIteration(row) : null;
}

function toIteration(row: IterationDbRow): IterationRow {
  return {
    id: row.id,
    runId: row.run_id,
    index: row.idx,
    status: row.status,
    metrics: parse(row.metrics_json),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
