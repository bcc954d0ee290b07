import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../core/api/client';
import { Core } from '../../../core/host/core';

/** "New run from a config file": the configs a run can start from, and a bad one refused in one line. */
describe('run configs over the API', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'rr-configs-'));
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'mine.jsonc'), '// three iterations\n{ "iterations": 3 }\n');
  writeFileSync(join(workspace, 'broken.json'), '{\n  "iterations": 2,\n  "itertions": 3\n}\n');
  const core = new Core({ mode: 'web', workspace, electronVersion: null });
  const client = new ApiClient(core);
  afterAll(() => core.loop.close());

  it('lists the built-in configs and the workspace\'s, each with its one-line error', async () => {
    const configs = await client.call('configs.list');
    expect(configs.filter((c) => c.source === 'builtin').map((c) => [c.name, c.error])).toEqual(
      expect.arrayContaining([['default', null], ['tiny', null], ['prm', null]]),
    );
    expect(configs.filter((c) => c.source === 'workspace')).toEqual([
      { path: join(workspace, 'broken.json'), name: 'broken', source: 'workspace', iterations: null, error: expect.stringMatching(/broken\.json: line 3: unknown key 'itertions'/) },
      { path: join(workspace, 'mine.jsonc'), name: 'mine', source: 'workspace', iterations: 3, error: null },
    ]);
  });

  it('refuses to start from a bad config with that error, and starts nothing', async () => {
    await expect(client.call('loop.start', { run: 'new', configFile: 'broken.json' })).rejects.toThrow(/broken\.json: line 3: unknown key 'itertions'/);
    expect(await client.call('loop.state')).toEqual({ running: false, run: null, error: null });
    expect(await client.call('runs.list')).toEqual([]);
  });
});
