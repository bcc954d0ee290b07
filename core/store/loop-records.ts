import type { Db } from './open-store';

/** Rows the loop's stages write and read, typed at the store's edge so no stage touches SQL. */

export interface ProblemRecord {
  id: number;
  taskId: string;
  language: string;
  split: 'train' | 'heldout';
  prompt: string;
  /** The whole normalized problem, as core/data produced it. */
  data: unknown;
}

export interface CandidateRecord {
  id: number;
  problemId: number;
  sampleIdx: number;
  code: string;
  tokens: Int32Array | null;
  logprobs: Float32Array | null;
}

export interface ExecutionRecord {
  candidateId: number;
  attempt: number;
  status: string;
  exitCode: number | null;
  testsPassed: number | null;
  testsTotal: number | null;
  wallMs: number;
  cpuMs: number | null;
  stdout: string;
  stderr: string;
}

const blob = (a: Int32Array | Float32Array | null): Buffer | null =>
  a === null ? null : Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function insertProblems(db: Db, runId: number, problems: ReadonlyArray<Omit<ProblemRecord, 'id'>>): void {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO problems (run_id, task_id, language, split, prompt, data_json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const p of problems) insert.run(runId, p.taskId, p.language, p.split, p.prompt, JSON.stringify(p.data));
  })();
}

export function listProblems(db: Db, runId: number): ProblemRecord[] {
  const rows = db.prepare('SELECT id, task_id, language, split, prompt, data_json FROM problems WHERE run_id = ? ORDER BY id').all(runId) as Array<{
    id: number;
    task_id: string;
    language: string;
    split: 'train' | 'heldout';
    prompt: string;
    data_json: string;
  }>;
  return rows.map((r) => ({ id: r.id, taskId: r.task_id, language: r.language, split: r.split, prompt: r.prompt, data: JSON.parse(r.data_json) as unknown }));
}

/** Inserts a stage's candidates; call inside the stage's completeStage so they land with its record. */
export function insertCandidates(db: Db, iterationId: number, candidates: ReadonlyArray<Omit<CandidateRecord, 'id'>>): void {
  const insert = db.prepare(
    'INSERT INTO candidates (iteration_id, problem_id, sample_idx, code, tokens, logprobs) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const c of candidates) insert.run(iterationId, c.problemId, c.sampleIdx, c.code, blob(c.tokens), blob(c.logprobs));
}

export function listCandidates(db: Db, iterationId: number): CandidateRecord[] {
  const rows = db
    .prepare('SELECT id, problem_id, sample_idx, code, tokens, logprobs FROM candidates WHERE iteration_id = ? ORDER BY id')
    .all(iterationId) as Array<{ id: number; problem_id: number; sample_idx: number; code: string; tokens: Buffer | null; logprobs: Buffer | null }>;
  return rows.map((r) => ({
    id: r.id,
    problemId: r.problem_id,
    sampleIdx: r.sample_idx,
    code: r.code,
    tokens: r.tokens ? new Int32Array(r.tokens.buffer.slice(r.tokens.byteOffset, r.tokens.byteOffset + r.tokens.byteLength)) : null,
    logprobs: r.logprobs
      ? new Float32Array(r.logprobs.buffer.slice(r.logprobs.byteOffset, r.logprobs.byteOffset + r.logprobs.byteLength))
      : null,
  }));
}

export function insertExecutions(db: Db, executions: readonly ExecutionRecord[]): void {
  const insert = db.prepare(
    `INSERT INTO executions (candidate_id, attempt, status, exit_code, tests_passed, tests_total, wall_ms, cpu_ms, stdout, stderr, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const createdAt = new Date().toISOString();
  for (const e of executions) {
    insert.run(e.candidateId, e.attempt, e.status, e.exitCode, e.testsPassed, e.testsTotal, e.wallMs, e.cpuMs, e.stdout, e.stderr, createdAt);
  }
}

/** Every execution of the iteration's candidates, attempts in order, keyed by candidate. */
export function executionsOf(db: Db, iterationId: number): Map<number, ExecutionRecord[]> {
  const rows = db
    .prepare(
      `SELECT e.* FROM executions e JOIN candidates c ON c.id = e.candidate_id
       WHERE c.iteration_id = ? ORDER BY e.candidate_id, e.attempt`,
    )
    .all(iterationId) as Array<{
    candidate_id: number;
    attempt: number;
    status: string;
    exit_code: number | null;
    tests_passed: number | null;
    tests_total: number | null;
    wall_ms: number;
    cpu_ms: number | null;
    stdout: string;
    stderr: string;
  }>;
  const result = new Map<number, ExecutionRecord[]>();
  for (const r of rows) {
    const record: ExecutionRecord = {
      candidateId: r.candidate_id,
      attempt: r.attempt,
      status: r.status,
      exitCode: r.exit_code,
      testsPassed: r.tests_passed,
      testsTotal: r.tests_total,
      wallMs: r.wall_ms,
      cpuMs: r.cpu_ms,
      stdout: r.stdout,
      stderr: r.stderr,
    };
    const list = result.get(r.candidate_id);
    if (list) list.push(record);
    else result.set(r.candidate_id, [record]);
  }
  return result;
}

export function insertCheckpoint(
  db: Db,
  checkpoint: { runId: number; iterationId: number | null; kind: string; path: string; parentId: number | null; meta?: unknown },
): number {
  return Number(
    db
      .prepare('INSERT INTO checkpoints (run_id, iteration_id, kind, path, parent_id, created_at, meta_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(
        checkpoint.runId,
        checkpoint.iterationId,
        checkpoint.kind,
        checkpoint.path,
        checkpoint.parentId,
        new Date().toISOString(),
        checkpoint.meta === undefined ? null : JSON.stringify(checkpoint.meta),
      ).lastInsertRowid,
  );
}

/** The run's newest checkpoint of a kind (null before the first). */
export function latestCheckpoint(db: Db, runId: number, kind: string): { id: number; path: string; meta: unknown } | null {
  const row = db.prepare('SELECT id, path, meta_json FROM checkpoints WHERE run_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(runId, kind) as
    | { id: number; path: string; meta_json: string | null }
    | undefined;
  return row ? { id: row.id, path: row.path, meta: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown) } : null;
}

export function insertScores(db: Db, checkpointId: number, scores: ReadonlyArray<{ candidateId: number; score: number; lineScores?: number[] }>): void {
  const insert = db.prepare('INSERT OR REPLACE INTO scores (candidate_id, checkpoint_id, score, line_scores_json) VALUES (?, ?, ?, ?)');
  for (const s of scores) insert.run(s.candidateId, checkpointId, s.score, s.lineScores ? JSON.stringify(s.lineScores) : null);
}

export function scoresOf(db: Db, iterationId: number, checkpointId: number): Map<number, number> {
  const rows = db
    .prepare('SELECT s.candidate_id, s.score FROM scores s JOIN candidates c ON c.id = s.candidate_id WHERE c.iteration_id = ? AND s.checkpoint_id = ?')
    .all(iterationId, checkpointId) as Array<{ candidate_id: number; score: number }>;
  return new Map(rows.map((r) => [r.candidate_id, r.score]));
}

export function insertMined(db: Db, iterationId: number, rows: ReadonlyArray<{ candidateId: number; kind: 'hard-negative' | 'disputed'; detail: unknown }>): void {
  const insert = db.prepare('INSERT OR REPLACE INTO mined (iteration_id, candidate_id, kind, detail_json) VALUES (?, ?, ?, ?)');
  for (const r of rows) insert.run(iterationId, r.candidateId, r.kind, JSON.stringify(r.detail));
}

export function listMined(db: Db, iterationId: number, kind: 'hard-negative' | 'disputed'): Array<{ candidateId: number; detail: unknown }> {
  const rows = db.prepare('SELECT candidate_id, detail_json FROM mined WHERE iteration_id = ? AND kind = ? ORDER BY rowid').all(iterationId, kind) as Array<{
    candidate_id: number;
    detail_json: string;
  }>;
  return rows.map((r) => ({ candidateId: r.candidate_id, detail: JSON.parse(r.detail_json) as unknown }));
}

export function insertProbes(db: Db, probes: ReadonlyArray<{ candidateId: number; signature: string | null }>): void {
  const insert = db.prepare('INSERT OR REPLACE INTO probes (candidate_id, signature) VALUES (?, ?)');
  for (const p of probes) insert.run(p.candidateId, p.signature);
}

export function probesOf(db: Db, iterationId: number): Map<number, string | null> {
  const rows = db
    .prepare('SELECT p.candidate_id, p.signature FROM probes p JOIN candidates c ON c.id = p.candidate_id WHERE c.iteration_id = ?')
    .all(iterationId) as Array<{ candidate_id: number; signature: string | null }>;
  return new Map(rows.map((r) => [r.candidate_id, r.signature]));
}
