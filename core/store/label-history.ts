import type { Db } from './open-store';
import type { LabelRow, LabelVerdict } from './labels';

interface HistoryRow {
  id: number;
  candidate_id: number;
  verdict: LabelVerdict;
  undo_of: number | null;
}

/**
 * A candidate's current label from its history: labels stack up, an undo row takes back the label it names. Null when
 * nothing is left (never labelled, or every label undone).
 */
function replay(rows: readonly HistoryRow[]): HistoryRow | null {
  const stack: HistoryRow[] = [];
  for (const row of rows) {
    if (row.undo_of === null) stack.push(row);
    else {
      const at = stack.findIndex((r) => r.id === row.undo_of);
      if (at >= 0) stack.splice(at, 1);
    }
  }
  return stack[stack.length - 1] ?? null;
}

function historyOf(db: Db, candidateIds: readonly number[]): Map<number, HistoryRow[]> {
  const rows = db
    .prepare('SELECT id, candidate_id, verdict, undo_of FROM labels WHERE candidate_id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(candidateIds)) as HistoryRow[];
  const result = new Map<number, HistoryRow[]>();
  for (const row of rows) {
    const list = result.get(row.candidate_id);
    if (list) list.push(row);
    else result.set(row.candidate_id, [row]);
  }
  return result;
}

/** The current label of each candidate that has one (after undos). */
export function currentLabels(db: Db, candidateIds: readonly number[]): Map<number, LabelVerdict> {
  const result = new Map<number, LabelVerdict>();
  if (candidateIds.length === 0) return result;
  for (const [id, rows] of historyOf(db, candidateIds)) {
    const current = replay(rows);
    if (current) result.set(id, current.verdict);
  }
  return result;
}

/**
 * Takes back the candidate's current label by appending a row that restores the one before it ('unsure', which
 * withdraws any override of the execution verdict, when there was none). Returns null when there is nothing to undo.
 */
export function appendUndo(db: Db, candidateId: number, author: string): { label: LabelRow; current: LabelVerdict | null } | null {
  return db.transaction(() => {
    const rows = historyOf(db, [candidateId]).get(candidateId) ?? [];
    const undone = replay(rows);
    if (!undone) return null;
    const current = replay([...rows, { id: -1, candidate_id: candidateId, verdict: 'unsure', undo_of: undone.id }]);
    const verdict = current?.verdict ?? 'unsure';
    const createdAt = new Date().toISOString();
    const note = `undo of label ${undone.id}`;
    const info = db
      .prepare('INSERT INTO labels (candidate_id, verdict, note, author, created_at, undo_of) VALUES (?, ?, ?, ?, ?, ?)')
      .run(candidateId, verdict, note, author, createdAt, undone.id);
    return { label: { id: Number(info.lastInsertRowid), candidateId, verdict, note, author, createdAt }, current: current?.verdict ?? null };
  })();
}
