import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { appendLabels, candidateByName, labelsByName } from '../store/labels';
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
  const rows = labelsByName(db);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
  return rows.length;
}

/** Appends every label of the file, or none: a bad line is reported (file and line) before anything is written. */
export function importLabels(db: Db, file: string): number {
  const text = readFileSync(file, 'utf8');
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
    const candidate = candidateByName(db, { run: l.run, iteration: l.iteration, taskId: l.task_id, sample: l.sample });
    if (!candidate) throw new Error(`${where}: no candidate ${l.task_id} #${l.sample} in iteration ${l.iteration} of run '${l.run}'`);
    if (candidate.code !== l.completion) throw new Error(`${where}: candidate ${l.task_id} #${l.sample} has a different completion here`);
    resolved.push({ candidateId: candidate.id, verdict: l.verdict, note: l.note, author: l.author });
  });
  appendLabels(db, resolved);
  return resolved.length;
}
