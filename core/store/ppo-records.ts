import type { Db } from './open-store';

/** What the ppo stage keeps: each round's log and every rollout with its reward, per iteration. */

export interface PpoRolloutRecord {
  step: number;
  problemId: number;
  sampleIdx: number;
  code: string;
  score: number;
  rerankerScore: number | null;
  executionReward: number | null;
}

export function insertPpoSteps(db: Db, iterationId: number, logs: ReadonlyArray<{ update: number }>): void {
  const insert = db.prepare('INSERT OR REPLACE INTO ppo_steps (iteration_id, step, log_json) VALUES (?, ?, ?)');
  for (const log of logs) insert.run(iterationId, log.update, JSON.stringify(log));
}

export function ppoStepsOf(db: Db, iterationId: number): unknown[] {
  const rows = db.prepare('SELECT log_json FROM ppo_steps WHERE iteration_id = ? ORDER BY step').all(iterationId) as Array<{ log_json: string }>;
  return rows.map((r) => JSON.parse(r.log_json) as unknown);
}

export function insertPpoRollouts(db: Db, iterationId: number, rollouts: readonly PpoRolloutRecord[]): void {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO ppo_rollouts (iteration_id, step, problem_id, sample_idx, code, score, reranker_score, execution_reward) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  for (const r of rollouts) insert.run(iterationId, r.step, r.problemId, r.sampleIdx, r.code, r.score, r.rerankerScore, r.executionReward);
}

export function ppoRolloutsOf(db: Db, iterationId: number): PpoRolloutRecord[] {
  const rows = db
    .prepare('SELECT step, problem_id, sample_idx, code, score, reranker_score, execution_reward FROM ppo_rollouts WHERE iteration_id = ? ORDER BY step, problem_id, sample_idx')
    .all(iterationId) as Array<{ step: number; problem_id: number; sample_idx: number; code: string; score: number; reranker_score: number | null; execution_reward: number | null }>;
  return rows.map((r) => ({
    step: r.step,
    problemId: r.problem_id,
    sampleIdx: r.sample_idx,
    code: r.code,
    score: r.score,
    rerankerScore: r.reranker_score,
    executionReward: r.execution_reward,
  }));
}

/** The checkpoint of a kind written in one iteration (null when that iteration wrote none). */
export function checkpointOfIteration(db: Db, iterationId: number, kind: string): { id: number; path: string; meta: unknown } | null {
  const row = db.prepare('SELECT id, path, meta_json FROM checkpoints WHERE iteration_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(iterationId, kind) as
    | { id: number; path: string; meta_json: string | null }
    | undefined;
  return row ? { id: row.id, path: row.path, meta: row.meta_json === null ? null : (JSON.parse(row.meta_json) as unknown) } : null;
}

/** The run's first checkpoint of a kind: for the generator, the SFT model (the frozen reference of PPO). */
export function firstCheckpoint(db: Db, runId: number, kind: string): { id: number; path: string } | null {
  const row = db.prepare('SELECT id, path FROM checkpoints WHERE run_id = ? AND kind = ? ORDER BY id ASC LIMIT 1').get(runId, kind) as { id: number; path: string } | undefined;
  return row ?? null;
}
