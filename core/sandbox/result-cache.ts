import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionResult } from './verdict';

/** Bump when a change would make stored verdicts wrong (classification rules, assembly of steps). */
const CACHE_VERSION = 'v1';

export function cacheKey(parts: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(CACHE_VERSION);
  for (const part of parts) {
    // Length-prefixed so no two different part lists hash the same text.
    hash.update(`\0${part.length}\0`);
    hash.update(part);
  }
  return hash.digest('hex');
}

/**
 * Results by key: a bounded in-memory map (oldest first out) and, optionally, one JSON file per result in a
 * directory, so a re-run of the same candidates costs nothing. A damaged file is a miss, never an error.
 */
export class ResultCache<T = ExecutionResult> {
  private readonly memory = new Map<string, T>();

  constructor(
    private readonly dir: string | null = null,
    private readonly maxEntries = 20_000,
  ) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  get(key: string): T | undefined {
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    if (!this.dir) return undefined;
    try {
      const value = JSON.parse(readFileSync(this.file(key), 'utf8')) as T;
      this.remember(key, value);
      return value;
    } catch {
      return undefined;
    }
  }

  set(key: string, value: T): void {
    this.remember(key, value);
    if (!this.dir) return;
    const path = this.file(key);
    mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(value));
    renameSync(partial, path);
  }

  get size(): number {
    return this.memory.size;
  }

  private remember(key: string, value: T): void {
    this.memory.delete(key);
    this.memory.set(key, value);
    if (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
  }

  private file(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key.slice(2)}.json`);
  }
}
