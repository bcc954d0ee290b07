import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../../core/api/client';
import type { SandboxProgress } from '../../../core/api/sandbox';
import { Core } from '../../../core/host/core';

const core = new Core({ mode: 'web', workspace: mkdtempSync(join(tmpdir(), 'rr-ws-')), electronVersion: null });
const client = new ApiClient(core);
afterAll(async () => {
  client.close();
  await core.sandbox.close();
});

it('reports the sandbox in app info: mechanism, guarantees, warnings, each language with its packages', async () => {
  const info = await client.call('app.info');
  expect(info.sandbox.mechanism).toBe(process.platform === 'linux' ? 'bubblewrap' : 'process-group');
  expect(Object.keys(info.sandbox.guarantees)).toContain('noNetwork');
  expect(info.sandbox.warnings.length === 0).toBe(Object.values(info.sandbox.guarantees).every(Boolean));
  const python = info.sandbox.languages.find((l) => l.id === 'python');
  expect(python).toMatchObject({ available: true, packages: ['python3'] });
});

it('executes a batch and pushes a progress event per program, tagged with the batch id', async () => {
  const progress: SandboxProgress[] = [];
  const off = client.on('sandbox.progress', (p) => progress.push(p));
  const { results } = await client.call('sandbox.execute', {
    batchId: 'b1',
    requests: [
      { language: 'python', program: 'assert 1 + 1 == 2\n' },
      { language: 'py', program: 'assert 1 + 1 == 3\n' },
      { language: 'javascript', program: 'while (true) {}\n', limits: { timeoutMs: 500 } },
    ],
  });
  off();
  expect(results.map((r) => r.status)).toEqual(['OK', 'Exception', 'Timeout']);
  expect(progress.map((p) => p.batchId)).toEqual(['b1', 'b1', 'b1']);
  expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
  expect(progress.map((p) => p.index).sort()).toEqual([0, 1, 2]);
  expect(progress.every((p) => p.total === 3)).toBe(true);
});

it('refuses a request naming no known language, at the boundary', async () => {
  const call = client.call('sandbox.execute', { batchId: 'b2', requests: [{ language: 'cobol' as never, program: '' }] });
  await expect(call).rejects.toThrow(ApiCallError);
  await expect(call).rejects.toThrow(/requests\.0\.language/);
});
