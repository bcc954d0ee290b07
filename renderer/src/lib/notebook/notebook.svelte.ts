import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import type { NotebookCell } from '../../../../core/api/notebook';
import { messageOf } from '../errors';

type QueryResult = MethodResult<'store.query'>;

/** A SQL cell's run: off the core's thread, with a time limit and a Cancel that ends it. */
export interface SqlRun {
  running: boolean;
  result: QueryResult | null;
  error: string | null;
  queryId: string | null;
}

/**
 * The run's notebook file: iteration cells (implied by the run), markdown notes and SQL cells in their order. Every
 * edit is saved against the revision it was read at; a save refused as stale (another window wrote first) says so
 * and keeps the edit on screen until the person reloads.
 */
export class NotebookState {
  cells = $state.raw<NotebookCell[]>([]);
  revision = $state(0);
  file = $state<string | null>(null);
  stale = $state<string | null>(null);
  saved = $state(true);
  error = $state<string | null>(null);
  runs = $state.raw<Record<string, SqlRun>>({});
  private run: string | null = null;
  private counter = 0;
  private saving: Promise<void> | null = null;
  private pending = false;

  constructor(private readonly client: ApiClient) {}

  async load(run: string, iterations: number[]): Promise<void> {
    this.run = run;
    this.stale = null;
    try {
      const notebook = await this.client.call('notebook.get', { run });
      this.revision = notebook.revision;
      this.file = notebook.file;
      this.cells = withIterations(notebook.cells, iterations);
      this.saved = true;
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** New iterations appear as cells without rewriting the file until the person edits something. */
  syncIterations(iterations: number[]): void {
    this.cells = withIterations(this.cells, iterations);
  }

  add(kind: 'markdown' | 'sql', after?: string): void {
    const id = `${kind}-${Date.now().toString(36)}-${this.counter++}`;
    const cell: NotebookCell = kind === 'markdown' ? { kind, id, text: '' } : { kind, id, sql: 'SELECT * FROM iterations' };
    const at = after === undefined ? this.cells.length : this.cells.findIndex((c) => c.id === after) + 1;
    this.cells = [...this.cells.slice(0, at), cell, ...this.cells.slice(at)];
    void this.save();
  }

  update(id: string, text: string): void {
    this.cells = this.cells.map((c) => (c.id !== id ? c : c.kind === 'markdown' ? { ...c, text } : c.kind === 'sql' ? { ...c, sql: text } : c));
    void this.save();
  }

  remove(id: string): void {
    this.cells = this.cells.filter((c) => c.id !== id);
    void this.save();
  }

  move(id: string, by: number): void {
    const at = this.cells.findIndex((c) => c.id === id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= this.cells.length) return;
    const cells = [...this.cells];
    [cells[at], cells[to]] = [cells[to]!, cells[at]!];
    this.cells = cells;
    void this.save();
  }

  /** One save in flight at a time: each names the revision the previous one returned, so ours never look stale. */
  async save(): Promise<void> {
    if (this.run === null || this.stale) return;
    this.saved = false;
    if (this.saving) {
      this.pending = true;
      return this.saving;
    }
    this.saving = this.write(this.run);
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
    if (this.pending) {
      this.pending = false;
      await this.save();
    }
  }

  private async write(run: string): Promise<void> {
    try {
      const notebook = await this.client.call('notebook.save', { run, revision: this.revision, cells: this.cells });
      this.revision = notebook.revision;
      this.file = notebook.file;
      this.saved = !this.pending;
      this.error = null;
    } catch (err) {
      const message = messageOf(err);
      if (/stale/i.test(message)) this.stale = message;
      else this.error = message;
    }
  }

  async query(id: string, sql: string): Promise<void> {
    const queryId = `${id}-${Date.now()}`;
    this.setRun(id, { running: true, result: null, error: null, queryId });
    try {
      const result = await this.client.call('store.query', { sql, queryId, limit: 1000 });
      this.setRun(id, { running: false, result, error: null, queryId: null });
    } catch (err) {
      this.setRun(id, { running: false, result: null, error: messageOf(err), queryId: null });
    }
  }

  async cancel(id: string): Promise<void> {
    const queryId = this.runs[id]?.queryId;
    if (queryId) await this.client.call('store.cancelQuery', { queryId });
  }

  private setRun(id: string, run: SqlRun): void {
    this.runs = { ...this.runs, [id]: run };
  }
}

/** Keeps the saved order and puts iterations the file does not know yet where they belong: after the last one. */
function withIterations(cells: NotebookCell[], iterations: number[]): NotebookCell[] {
  const known = new Set(cells.flatMap((c) => (c.kind === 'iteration' ? [c.iteration] : [])));
  const missing = iterations.filter((i) => !known.has(i));
  if (missing.length === 0) return cells;
  const lastIteration = cells.findLastIndex((c) => c.kind === 'iteration');
  const added: NotebookCell[] = missing.map((iteration) => ({ kind: 'iteration', id: `iteration-${iteration}`, iteration }));
  const at = lastIteration + 1;
  return [...cells.slice(0, at), ...added, ...cells.slice(at)];
}
