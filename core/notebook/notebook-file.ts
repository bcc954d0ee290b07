import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { NotebookCellSchema, type Notebook, type NotebookCell } from '../api/notebook';
import { errorMessage } from '../error-message';

const NotebookFileSchema = z.object({ revision: z.number().int().min(0), cells: z.array(NotebookCellSchema) }).strict();

/** A save based on an older revision than the file's: another window saved in between. */
export class StaleNotebookError extends Error {
  constructor(file: string, current: number, basedOn: number) {
    super(
      `stale notebook: ${file} was saved elsewhere (another window?) as revision ${current} after your revision ${basedOn}; ` +
        'reload it (your unsaved edits stay in this window) and save again',
    );
    this.name = 'StaleNotebookError';
  }
}

/** <workspace>/notebooks/<run>.json; run names are free text, so anything outside [A-Za-z0-9._-] is escaped. */
export function notebookFile(workspace: string, run: string): string {
  const safe = run.replace(/[^A-Za-z0-9._-]/g, (ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return join(workspace, 'notebooks', `${safe === '.' || safe === '..' ? `%2e${safe.slice(1)}` : safe}.json`);
}

function readFile(file: string): { revision: number; cells: NotebookCell[] } {
  if (!existsSync(file)) return { revision: 0, cells: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not a notebook (${errorMessage(err)}); move it away to start a fresh one`, { cause: err });
  }
  const parsed = NotebookFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: not a notebook (at '${issue.path.join('.')}': ${issue.message}); move it away to start a fresh one`);
  }
  return parsed.data;
}

/**
 * The run's notebook: the saved cells in their order, with a cell for every iteration of the run that the file does
 * not place yet (appended in iteration order), so a new iteration shows up without anyone saving.
 */
export function readNotebook(workspace: string, run: string, iterations: readonly number[]): Notebook {
  const file = notebookFile(workspace, run);
  const saved = readFile(file);
  const placed = new Set(saved.cells.flatMap((c) => (c.kind === 'iteration' ? [c.iteration] : [])));
  const implied = iterations.filter((i) => !placed.has(i)).map((i): NotebookCell => ({ kind: 'iteration', id: `iteration-${i}`, iteration: i }));
  return { run, file, revision: saved.revision, cells: [...saved.cells, ...implied] };
}

/**
 * Saves the cells as the next revision, refusing a save based on any revision but the file's current one. The
 * file is written beside itself and renamed over, so a crash leaves the old notebook or the new, never half of one.
 */
export function saveNotebook(workspace: string, run: string, basedOn: number, cells: readonly NotebookCell[], iterations: readonly number[]): Notebook {
  const file = notebookFile(workspace, run);
  const current = readFile(file);
  if (current.revision !== basedOn) throw new StaleNotebookError(file, current.revision, basedOn);
  const ids = new Set<string>();
  for (const cell of cells) {
    if (ids.has(cell.id)) throw new Error(`${file}: two cells share the id '${cell.id}'`);
    ids.add(cell.id);
  }
  mkdirSync(join(workspace, 'notebooks'), { recursive: true });
  const next = { revision: current.revision + 1, cells };
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(tmp, file);
  return readNotebook(workspace, run, iterations);
}
