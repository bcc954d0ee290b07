import type { Db } from './open-store';

/** Reads shaped for the UI: one query each, so a panel costs one round trip and no stage code. */

export function listRuns(db: Db): Array<{ name: string; createdAt: string; iterations: number }> {
  return db
    .prepare(
      `SELECT r.name AS name, r.created_at AS createdAt, count(i.id) AS iterations
       FROM runs r LEFT JOIN iterations i ON i.run_id = r.id GROUP BY r.id ORDER BY r.id`,
    )
    .all() as Array<{ name: string; createdAt: string; iterations: number }>;
}

export interface CandidateRow {
  candidateId: number;
  problemId: number;
  taskId: string;
  split: 'train' | 'heldout';
  sampleIdx: number;
  code: string;
  status: string | null;
  testsPassed: number | null;
  testsTotal: number | null;
  stderr: string | null;
}

const candidateColumns = `
  c.id AS candidateId, c.problem_id AS problemId, p.task_id AS taskId, p.split AS split, c.sample_idx AS sampleIdx,
  c.code AS code, e.status AS status, e.tests_passed AS testsPassed, e.tests_total AS testsTotal, e.stderr AS stderr`;

const candidateJoins = `
  FROM candidates c
  JOIN problems p ON p.id = c.problem_id
  LEFT JOIN executions e ON e.candidate_id = c.id AND e.attempt = 0`;

export function candidatesOfProblem(db: Db, iterationId: number, problemId: number): CandidateRow[] {
  return db
    .prepare(`SELECT ${candidateColumns} ${candidateJoins} WHERE c.iteration_id = ? AND c.problem_id = ? ORDER BY c.sample_idx`)
    .all(iterationId, problemId) as CandidateRow[];
}

export function hasCandidate(db: Db, candidateId: number): boolean {
  return db.prepare('SELECT 1 FROM candidates WHERE id = ?').get(candidateId) !== undefined;
}

/** The iteration's candidate ids, in the order they were stored. */
export function candidateIdsOf(db: Db, iterationId: number): number[] {
  return (db.prepare('SELECT id FROM candidates WHERE iteration_id = ? ORDER BY id').all(iterationId) as Array<{ id: number }>).map((r) => r.id);
}

export function candidatesByIds(db: Db, ids: readonly number[]): CandidateRow[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(`SELECT ${candidateColumns} ${candidateJoins} WHERE c.id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as CandidateRow[];
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.candidateId)! - order.get(b.candidateId)!);
}

/** The checkpoint whose scores describe an iteration's candidates: its own reranker, else the one that scored them. */
export function scoringCheckpointOf(db: Db, runId: number, iterationId: number): number | null {
  const own = db.prepare("SELECT id FROM checkpoints WHERE run_id = ? AND iteration_id = ? AND kind = 'reranker' ORDER BY id DESC LIMIT 1").get(runId, iterationId) as
    | { id: number }
    | undefined;
  if (own) return own.id;
  const used = db
    .prepare(
      `SELECT s.checkpoint_id AS id FROM scores s JOIN candidates c ON c.id = s.candidate_id
       WHERE c.iteration_id = ? ORDER BY s.checkpoint_id DESC LIMIT 1`,
    )
    .get(iterationId) as { id: number } | undefined;
  return used?.id ?? null;
}
