import { existsSync } from 'node:fs';
import type { z } from 'zod';
import type { notebookMethods } from '../api/notebook';
import { storeFile } from '../loop/pipeline';
import { listRunConfigFiles } from '../loop/run-config-files';
import { readNotebook, saveNotebook } from '../notebook/notebook-file';
import type { Db } from '../store/open-store';
import { QueryRunner } from '../store/query-runner';
import { findRun, listIterations } from '../store/runs';

type Params<M extends keyof typeof notebookMethods> = z.output<(typeof notebookMethods)[M]['params']>;
type Result<M extends keyof typeof notebookMethods> = z.output<(typeof notebookMethods)[M]['result']>;

/** How long a SQL cell may run unless the call says otherwise. */
export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** The notebook file of each run, its SQL cells (run in workers, never on the core's thread) and the run configs. */
export class NotebookService {
  private readonly queries: QueryRunner;

  constructor(
    private readonly workspace: string,
    private readonly store: () => Db | null,
  ) {
    this.queries = new QueryRunner(storeFile(workspace));
  }

  private iterationsOf(run: string): number[] {
    const db = this.store();
    const found = db && findRun(db, run);
    return found ? listIterations(db!, found.id).map((i) => i.index) : [];
  }

  get({ run }: Params<'notebook.get'>): Result<'notebook.get'> {
    return readNotebook(this.workspace, run, this.iterationsOf(run));
  }

  save({ run, revision, cells }: Params<'notebook.save'>): Result<'notebook.save'> {
    return saveNotebook(this.workspace, run, revision, cells, this.iterationsOf(run));
  }

  async query(params: Params<'store.query'>): Promise<Result<'store.query'>> {
    const file = storeFile(this.workspace);
    if (!existsSync(file)) throw new Error(`${file}: no run store yet (run an iteration first)`);
    return this.queries.run(params.sql, { limit: params.limit, timeoutMs: params.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, id: params.queryId });
  }

  cancelQuery({ queryId }: Params<'store.cancelQuery'>): Result<'store.cancelQuery'> {
    return { cancelled: this.queries.cancel(queryId) };
  }

  configs(): Result<'configs.list'> {
    return listRunConfigFiles(this.workspace);
  }

  close(): void {
    this.queries.cancelAll();
  }
}
