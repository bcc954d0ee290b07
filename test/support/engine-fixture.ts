import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Engine, type EngineOptions } from '../../core/engine/engine';

/**
 * The engine of a test file: started before its tests and closed after them. Call at the top level of the file;
 * what it returns stands for the started engine (a forwarding proxy), so tests use it as they would the engine.
 */
export function useEngine(options?: EngineOptions): Engine {
  let started: Engine | null = null;
  beforeAll(async () => {
    started = await Engine.start(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Engine, {
    get(_, key) {
      if (!started) throw new Error('the test engine starts in beforeAll: use it inside a test or a hook');
      const value: unknown = Reflect.get(started, key, started);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(started) : value;
    },
  });
}

/** A fresh temporary folder for a test file, made now and removed after its tests. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
