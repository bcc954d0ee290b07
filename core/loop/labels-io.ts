import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { appendLabel } from '../store/labels';
import type { Db } from '../store/open-store';

/**
 * Labels as JSONL, keyed so they survive a move between stores: run, iteration, task and sample name a candidate,
 * and its completion text must still match (a label never lands on a different program).
 */
const labelLine = z
  .object({
    run: z.string(),
    iteration: z.number().int().min(0),
    task_id: z.string(),
    sample: z.number().int().min(0),
    completion: z.string(),
    verdict: z.enum(['pass', 'fail', 'unsure']),
    note: z.string().default(''),
    author: z.string().min(1),
    created_at: z.string().optional(),
  })
  .strict();

export function exportLabels(db: Db, file: string): number {
  const rows = db
    .prepare(
      `SELECT r.name AS run, i.idx AS iteration, p.task_id AS task_id, c.sample_idx AS sample, c.code AS completion,
              l.verdict, l.note, l.author, l.created_at
       FROM labels l JOIN candidates c ON c.id = l.candidate_id JOIN iterations i ON i.id = c.iteration_id
       JOIN runs r ON r.id = i.run_id JOIN problems p ON p.id = c.problem_id ORDER BY l.id`,
    )
    .all();
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
  return rows.length;
}

/** Appends every label of the file, or none: a bad line is reported (file and line) before anything is written. */
export function importLabels(db: Db, file: string): number {
  const text = readFileSync(file, 'utf8');
  const find = db.prepare(
    `SELECT c.id, c.code FROM candidates c JOIN iterations i ON i.id = c.iteration_id JOIN runs r ON r.id = i.run_id
     JOIN problems p ON p.id = c.problem_id WHERE r.name = ? AND i.idx = ? AND p.task_id = ? AND c.sample_idx = ?`,
  );
  const resolved: Array<{ candidateId: number; verdict: 'pass' | 'fail' | 'unsure'; note: string; author: string }> = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${file}:line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    const parsed = labelLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${where}: ${issue.path.length ? `'${issue.path.join('.')}': ` : ''}${issue.message}`);
    }
    const l = parsed.data;
    const candidate = find.get(l.run, l.iteration, l.task_id, l.sample) as { id: number; code: string } | undefined;
    if (!candidate) throw new Error(`${where}: no candidate ${l.task_id} #${l.sample} in iteration ${l.iteration} of run '${l.run}'`);
    if (candidate.code !== l.completion) throw new Error(`${where}: candidate ${l.task_id} #${l.sample} has a different completion here`);
    resolved.push({ candidateId: candidate.id, verdict: l.verdict, note: l.note, author: l.author });
  });
  db.transaction(() => resolved.forEach((label) => appendLabel(db, label)))();
  return resolved.length;
}
