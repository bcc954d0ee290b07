import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { storeFile } from '../loop/pipeline';
import { openStore, type Db } from '../store/open-store';

/** Runs `body` on the workspace's run store, closed afterwards; a workspace without one is said in one line. */
export function withStore<T>(workspace: string, body: (db: Db) => T): T {
  const file = storeFile(resolve(workspace));
  if (!existsSync(file)) throw new Error(`${file}: no run store here (start one with \`rewardranker iterate\`)`);
  const db = openStore(file);
  try {
    return body(db);
  } finally {
    db.close();
  }
}
