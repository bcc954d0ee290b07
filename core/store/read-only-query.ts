import Database from 'better-sqlite3';
import { StoreError } from './store-error';
import { errorMessage } from '../error-message';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
  /** More rows matched than `limit`; only the first `limit` are returned. */
  truncated: boolean;
}

/**
 * Runs a notebook SQL cell: on its own read-only connection, refusing any statement that would write, and returning
 * at most `limit` rows so a careless `SELECT *` cannot flood the UI.
 */
export function runReadOnlyQuery(file: string, sql: string, limit = 1000): QueryResult {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new StoreError(file, `cannot open the run store read-only (${errorMessage(err)})`);
  }
  try {
    db.pragma('query_only = ON');
    const statement = db.prepare(sql);
    if (!statement.reader || !statement.readonly) throw new StoreError(file, 'SQL cells are read-only: use SELECT');
    const columns = statement.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    let truncated = false;
    for (const row of statement.raw(true).iterate() as IterableIterator<unknown[]>) {
      if (rows.length === limit) {
        truncated = true;
        break;
      }
      rows.push(row);
    }
    return { columns, rows, truncated };
  } catch (err) {
    throw err instanceof StoreError ? err : new StoreError(file, `SQL: ${errorMessage(err)}`);
  } finally {
    db.close();
  }
}
