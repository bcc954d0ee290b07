import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ApiClient } from '../../core/api/client';
import { Core } from '../../core/host/core';
import { writeSyntheticStore } from '../bench/ui-store';

/**
 * A web-mode core over a synthetic run store in a fresh workspace, with an API client: made before the file's
 * tests and closed after them. Call at the top of a describe; read `core` and `client` inside tests.
 */
export function useSyntheticCore(prefix: string, store: Parameters<typeof writeSyntheticStore>[1]): { readonly core: Core; readonly client: ApiClient } {
  let started: { core: Core; client: ApiClient } | null = null;
  const get = (): { core: Core; client: ApiClient } => {
    if (!started) throw new Error('useSyntheticCore: read core and client inside a test');
    return started;
  };
  beforeAll(() => {
    const workspace = mkdtempSync(join(tmpdir(), prefix));
    writeSyntheticStore(workspace, store);
    const core = new Core({ mode: 'web', workspace, electronVersion: null });
    started = { core, client: new ApiClient(core) };
  });
  afterAll(() => {
    started?.core.notebook.close();
    started?.core.loop.close();
  });
  return {
    get core() {
      return get().core;
    },
    get client() {
      return get().client;
    },
  };
}
