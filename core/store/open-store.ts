import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { latestSchemaVersion, migrations, type Migration } from './migrations';
import { StoreError } from './store-error';
import { errorMessage } from '../error-message';

export type Db = Database.Database;

export interface OpenOptions {
  /** Apply only migrations up to this version: how tests make a store "written by an older version". */
  upToVersion?: number;
}

/**
 * Opens (creating if needed) the run store: WAL so the UI reads while a stage writes, foreign keys on, and the
 * schema migrated to this version. A file that is not a store, or one from a newer version, is refused untouched.
 */
export function openStore(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } catch (err) {
    throw new StoreError(file, `cannot open the run store (${describe(err)})`);
  }
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, file, options.upToVersion ?? latestSchemaVersion);
    return db;
  } catch (err) {
    db.close();
    throw err instanceof StoreError ? err : new StoreError(file, describe(err));
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string, target: number): void {
  const current = schemaVersion(db);
  if (current > latestSchemaVersion) {
    throw new StoreError(
      file,
      `written by a newer RewardRanker (schema version ${current}; this one knows up to ${latestSchemaVersion}): update the app`,
    );
  }
  if (current === 0 && hasForeignTables(db)) {
    throw new StoreError(file, 'is a SQLite database but not a RewardRanker run store (it has tables of its own)');
  }
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  for (const migration of pending) apply(db, file, migration);
}

function apply(db: Db, file: string, migration: Migration): void {
  try {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  } catch (err) {
    throw new StoreError(file, `migration ${migration.version} (${migration.name}) failed: ${describe(err)}`);
  }
}

function hasForeignTables(db: Db): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").get() as {
    n: number;
  };
  return row.n > 0;
}

function describe(err: unknown): string {
  const message = errorMessage(err);
  return message === 'file is not a database' ? 'not a SQLite database (corrupt, or another kind of file)' : message;
}
