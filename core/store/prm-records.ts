import type { Db } from './open-store';

/** What process supervision keeps: each labelled candidate's line labels and the prefix completions behind them. */

export interface LineLabelRecord {
  candidateId: number;
  /** One per line of the completion: +1, -1, or 0 for blank and comment lines. */
  labels: number[];
  lastRecoverable: number;
  prefixChecks: number;
  /** Sandbox executions the labelling spent (K per prefix check). */
  executions: number;
  seconds: number;
}

export interface PrefixCompletionRecord {
  candidateId: number;
  prefixLines: number;
  sampleIdx: number;
  /** The whole completion: the kept prefix, then what the policy wrote after it. */
  code: string;
  status: string;
  passed: boolean;
}

/** A chunk of labelled candidates with their completions, in one transaction: a killed stage keeps whole candidates. */
export function insertLineLabels(db: Db, labels: readonly LineLabelRecord[], completions: readonly PrefixCompletionRecord[]): void {
  const label = db.prepare(
    `INSERT OR REPLACE INTO line_labels (candidate_id, labels_json, last_recoverable, prefix_checks, executions, seconds, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const completion = db.prepare(
    'INSERT OR REPLACE INTO prefix_completions (candidate_id, prefix_lines, sample_idx, code, status, passed) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const createdAt = new Date().toISOString();
  db.transaction(() => {
    for (const l of labels) label.run(l.candidateId, JSON.stringify(l.labels), l.lastRecoverable, l.prefixChecks, l.executions, l.seconds, createdAt);
    for (const c of completions) completion.run(c.candidateId, c.prefixLines, c.sampleIdx, c.code, c.status, c.passed ? 1 : 0);
  })();
}

interface LabelRow {
  candidate_id: number;
  labels_json: string;
  last_recoverable: number;
  prefix_checks: number;
  executions: number;
  seconds: number;
}

const toRecord = (r: LabelRow): LineLabelRecord => ({
  candidateId: r.candidate_id,
  labels: JSON.parse(r.labels_json) as number[],
  lastRecoverable: r.last_recoverable,
  prefixChecks: r.prefix_checks,
  executions: r.executions,
  seconds: r.seconds,
});

/** The line labels of one iteration's candidates, by candidate id. */
export function lineLabelsOf(db: Db, iterationId: number): Map<number, LineLabelRecord> {
  const rows = db
    .prepare(
      `SELECT l.candidate_id, l.labels_json, l.last_recoverable, l.prefix_checks, l.executions, l.seconds
       FROM line_labels l JOIN candidates c ON c.id = l.candidate_id WHERE c.iteration_id = ? ORDER BY l.candidate_id`,
    )
    .all(iterationId) as LabelRow[];
  return new Map(rows.map((r) => [r.candidate_id, toRecord(r)]));
}

/** The prefix completions behind one candidate's labels, shortest prefix first. */
export function prefixCompletionsOf(db: Db, candidateId: number): PrefixCompletionRecord[] {
  const rows = db
    .prepare('SELECT prefix_lines, sample_idx, code, status, passed FROM prefix_completions WHERE candidate_id = ? ORDER BY prefix_lines, sample_idx')
    .all(candidateId) as Array<{ prefix_lines: number; sample_idx: number; code: string; status: string; passed: number }>;
  return rows.map((r) => ({ candidateId, prefixLines: r.prefix_lines, sampleIdx: r.sample_idx, code: r.code, status: r.status, passed: r.passed === 1 }));
}

/** Per-line scores a checkpoint (the PRM) gave the iteration's candidates, by candidate id. */
export function lineScoresOf(db: Db, iterationId: number, checkpointId: number): Map<number, number[]> {
  const rows = db
    .prepare(
      `SELECT s.candidate_id, s.line_scores_json FROM scores s JOIN candidates c ON c.id = s.candidate_id
       WHERE c.iteration_id = ? AND s.checkpoint_id = ? AND s.line_scores_json IS NOT NULL`,
    )
    .all(iterationId, checkpointId) as Array<{ candidate_id: number; line_scores_json: string }>;
  return new Map(rows.map((r) => [r.candidate_id, JSON.parse(r.line_scores_json) as number[]]));
}
