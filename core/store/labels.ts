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
