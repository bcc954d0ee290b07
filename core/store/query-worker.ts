import { parentPort, workerData } from 'node:worker_threads';
import { runReadOnlyQuery } from './read-only-query';
import { errorMessage } from '../error-message';

// Entry of a SQL cell's worker thread: one query on its own read-only connection, so a query that never ends
// holds only this thread, which the core terminates at the time limit or on cancel.
const { file, sql, limit } = workerData as { file: string; sql: string; limit: number };
try {
  parentPort!.postMessage({ ok: true, ...runReadOnlyQuery(file, sql, limit) });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: errorMessage(err) });
}
