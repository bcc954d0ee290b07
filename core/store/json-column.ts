import type { z } from 'zod';
import type { Db } from './open-store';
import { StoreError } from './store-error';

/**
 * A JSON column's value, checked against the schema of whoever wrote it (the schema lives with the writer, above the
 * store): a row that no longer fits says so in one line naming the store file and the row, instead of reaching the
 * caller as a wrong shape.
 */
export function checkedJson<S extends z.ZodType>(db: Db, schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new StoreError(db.name, `${where}: ${issue.path.length ? `'${issue.path.join('.')}': ` : ''}${issue.message}`);
}
