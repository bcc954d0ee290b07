import type { Db } from './open-store';

export type LabelVerdict = 'pass' | 'fail' | 'unsure';

export interface LabelRow {
  id: number;
  candidateId: number;
  verdict: LabelVerdict;
  note: string;
  author: string;
  createdAt: string;
}

interface LabelDbRow {
  id: number;
  candidate_id: number;
  verdict: LabelVerdict;
  note: string;
  author: string;
  created_at: string;
}

const toLabel = (r: LabelDbRow): LabelRow => ({
  id: r.id,
  candidateId: r.candidate_id,
  verdict: r.verdict,
  note: r.note,
  author: r.author,
  createdAt: r.created_at,
});

/** Adds a label; earlier ones stay in the history (the schema refuses updates and deletes). */
export function appendLabel(
  db: Db,
  label: { candidateId: number; verdict: LabelVerdict; note?: string; author: string },
): LabelRow {
  const createdAt = new Date().toISOString();
  const info = db
    .prepare('INSERT INTO labels (candidate_id, verdict, note, author, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(label.candidateId, label.verdict, label.note ?? '', label.author, createdAt);
  return {
    id: Number(info.lastInsertRowid),
    candidateId: label.candidateId,
    verdict: label.verdict,
    note: label.note ?? '',
    author: label.author,
    createdAt,
  };
}

export function labelHistory(db: Db, candidateId: number): LabelRow[] {
  return (db.prepare('SELECT * FROM labels WHERE candidate_id = ? ORDER BY id').all(candidateId) as LabelDbRow[]).map(toLabel);
}

/**
 * The label that overrides each candidate's execution verdict: its latest one, unless that is 'unsure' (which
 * withdraws any override). Candidates without labels are absent.
 */
export function overridingLabels(db: Db, runId: number): Map<number, 'pass' | 'fail'> {
  const rows = db
    .prepare(
      `SELECT l.candidate_id AS candidate_id, l.verdict AS verdict
       FROM labels l
       JOIN candidates c ON c.id = l.candidate_id
       JOIN iterations i ON i.id = c.iteration_id
       WHERE i.run_id = ? AND l.id = (SELECT max(id) FROM labels WHERE candidate_id = l.candidate_id)`,
    )
    .all(runId) as Array<{ candidate_id: number; verdict: LabelVerdict }>;
  const result = new Map<number, 'pass' | 'fail'>();
  for (const row of rows) if (row.verdict !== 'unsure') result.set(row.candidate_id, row.verdict);
  return result;
}

/** A candidate named so the name survives a move between stores: run, iteration, task and sample. */
export interface CandidateName {
  run: string;
  iteration: number;
  taskId: string;
  sample: number;
}

/** Every label in the store, oldest first, with the candidate's name and completion (the labels-file format). */
export function labelsByName(db: Db): Array<{
  run: string;
  iteration: number;
  task_id: string;
  sample: number;
  completion: string;
  verdict: LabelVerdict;
  note: string;
  author: string;
  created_at: string;
}> {
  return db
    .prepare(
      `SELECT r.name AS run, i.idx AS iteration, p.task_id AS task_id, c.sample_idx AS sample, c.code AS completion,
              l.verdict, l.note, l.author, l.created_at
       FROM labels l JOIN candidates c ON c.id = l.candidate_id JOIN iterations i ON i.id = c.iteration_id
       JOIN runs r ON r.id = i.run_id JOIN problems p ON p.id = c.problem_id ORDER BY l.id`,
    )
    .all() as ReturnType<typeof labelsByName>;
}

/** The candidate with this name, or null. */
export function candidateByName(db: Db, name: CandidateName): { id: number; code: string } | null {
  const row = db
    .prepare(
      `SELECT c.id, c.code FROM candidates c JOIN iterations i ON i.id = c.iteration_id JOIN runs r ON r.id = i.run_id
       JOIN problems p ON p.id = c.problem_id WHERE r.name = ? AND i.idx = ? AND p.task_id = ? AND c.sample_idx = ?`,
    )
    .get(name.run, name.iteration, name.taskId, name.sample) as { id: number; code: string } | undefined;
  return row ?? null;
}

/** Appends every label or none (one transaction). */
export function appendLabels(db: Db, labels: ReadonlyArray<Parameters<typeof appendLabel>[1]>): void {
  db.transaction(() => labels.forEach((label) => appendLabel(db, label)))();
}

