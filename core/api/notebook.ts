import { z } from 'zod';

/**
 * The notebook's part of the contract: the notebook file of a run (its cells and their order), read-only SQL cells
 * run off the core's thread, and the run configs a "New run" can start from.
 */

const RunName = z.string().min(1).max(200).default('default');
const CellId = z.string().min(1).max(100);

export const NotebookCellSchema = z.discriminatedUnion('kind', [
  /** One per iteration of the run; implied by the run, so a saved notebook only records where it sits. */
  z.object({ kind: z.literal('iteration'), id: CellId, iteration: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal('markdown'), id: CellId, text: z.string().max(200_000) }).strict(),
  z.object({ kind: z.literal('sql'), id: CellId, sql: z.string().max(100_000) }).strict(),
]);
export type NotebookCell = z.infer<typeof NotebookCellSchema>;

export const NotebookSchema = z.object({
  run: z.string(),
  /** Where the notebook lives in the workspace. */
  file: z.string(),
  /** Bumped by every save; a save must name the revision it was based on. 0: never saved. */
  revision: z.number().int().min(0),
  cells: z.array(NotebookCellSchema),
});
export type Notebook = z.infer<typeof NotebookSchema>;

export const QueryResultSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
  /** More rows matched than `limit`; only the first `limit` came back. */
  truncated: z.boolean(),
  elapsedMs: z.number(),
});

export const RunConfigFileSchema = z.object({
  /** What to pass as loop.start's configFile. */
  path: z.string(),
  name: z.string(),
  source: z.enum(['builtin', 'workspace']),
  /** The config's one-line error when it would not load; null when it is valid. */
  error: z.string().nullable(),
  iterations: z.number().int().nullable(),
});

export const notebookMethods = {
  'notebook.get': {
    params: z.object({ run: RunName }).strict(),
    result: NotebookSchema,
  },
  /** Refused ("stale notebook") unless `revision` is the file's current one: two windows never overwrite each other. */
  'notebook.save': {
    params: z.object({ run: RunName, revision: z.number().int().min(0), cells: z.array(NotebookCellSchema).max(10_000) }).strict(),
    result: NotebookSchema,
  },
  /** Read-only SQL over the run store, in its own worker; a write statement is refused, a slow one cut at timeoutMs. */
  'store.query': {
    params: z
      .object({
        sql: z.string().min(1).max(100_000),
        limit: z.number().int().min(1).max(100_000).default(1000),
        /** Chosen by the caller, to cancel the query with store.cancelQuery. */
        queryId: z.string().min(1).max(200).optional(),
        /** Default: 10 s. */
        timeoutMs: z.number().int().min(10).max(600_000).optional(),
      })
      .strict(),
    result: QueryResultSchema,
  },
  'store.cancelQuery': {
    params: z.object({ queryId: z.string().min(1).max(200) }).strict(),
    /** false: no such query was running (it had finished, or never started). */
    result: z.object({ cancelled: z.boolean() }),
  },
  'configs.list': {
    params: z.object({}).strict(),
    result: z.array(RunConfigFileSchema),
  },
} as const;
