import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../core/api/client';
import { Core } from '../../../core/host/core';

const run = promisify(execFile);
const cli = resolve('out/node/cli.js');
const tinyConfig = resolve('resources/configs/tiny.jsonc');

/**
 * The README's path: `iterate` makes a run, then prints how to open it; the app opened on the workspace it names
 * lists that run (issue 9: the app said "No runs in this workspace yet" beside a finished run).
 */
describe('a run made by iterate, opened where it says', () => {
  let core: Core | null = null;
  afterAll(() => core?.loop.close());

  it('prints a workspace that the app resolves to the run store it wrote', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rr-open-'));
    const { stdout } = await run(process.execPath, [cli, 'iterate', '--workspace', 'ws', '--config', tinyConfig, '--iterations', '1', '--run', 'tiny'], {
      cwd,
      maxBuffer: 16 * 1024 ** 2,
    });
    // Run from another folder than the app's, a relative workspace would not resolve for `npm start`: the hint is absolute.
    const hint = /Open the run \(run 'tiny'\) in the app: npm start -- --workspace (\S+)/.exec(stdout);
    expect(hint?.[1]).toBe(join(cwd, 'ws'));
    core = new Core({ mode: 'web', workspace: hint![1]!, electronVersion: null });
    const client = new ApiClient(core);
    expect(await client.call('runs.list')).toMatchObject([{ name: 'tiny', iterations: 1 }]);
    expect((await client.call('runs.status', { run: 'tiny' }))?.iterations.map((i) => i.status)).toEqual(['done']);
    expect((await client.call('notebook.get', { run: 'tiny' })).cells).toEqual([{ kind: 'iteration', id: 'iteration-0', iteration: 0 }]);
    const problems = await client.call('problems.page', { run: 'tiny', iteration: 0, limit: 100 });
    expect(problems.total).toBe(48);
    expect(problems.rows.some((p) => p.passing > 0 && p.passing < p.candidates)).toBe(true);
    expect((await client.call('labels.progress', { run: 'tiny', iteration: 0 })).total).toBeGreaterThan(0);

    // A person relabels a failing training candidate, re-runs it in the sandbox, then runs the next iteration.
    const mixed = (await client.call('problems.page', { run: 'tiny', iteration: 0, split: 'train', limit: 100 })).rows.filter(
      (p) => p.passing > 0 && p.passing < p.candidates,
    );
    const failing = (
      await Promise.all(mixed.map((p) => client.call('candidates.byProblem', { run: 'tiny', iteration: 0, problemId: p.problemId })))
    )
      .flat()
      .find((c) => c.status === 'Exception')!;
    await client.call('labels.put', { candidateId: failing.candidateId, verdict: 'pass', note: 'the test is wrong' });
    const logs: string[] = [];
    client.on('log', (line) => void logs.push(line.message));
    const rerun = await client.call('candidates.rerun', { candidateId: failing.candidateId });
    expect(rerun.result).toMatchObject({ status: 'Exception', testsPassed: failing.testsPassed, testsTotal: failing.testsTotal });
    expect(logs.some((m) => m.startsWith(`re-run: candidate ${failing.candidateId}: Exception`))).toBe(true);

    const summaries: Array<[number | null, string]> = [];
    client.on('loop.summary', (s) => void summaries.push([s.iteration, s.state]));
    const ended = new Promise<string | null>((done) => client.on('loop.state', (s) => void (!s.running && done(s.error))));
    await client.call('loop.start', { run: 'tiny', more: 1 });
    await expect(client.call('loop.start', { run: 'tiny', more: 1 })).rejects.toThrow(/a loop is already running \(run 'tiny'\)/);
    expect(await ended).toBeNull();
    expect(summaries).toEqual([[1, 'done'], [null, 'done']]);
    const after = (await client.call('candidates.byProblem', { run: 'tiny', iteration: 0, problemId: failing.problemId })).find(
      (c) => c.candidateId === failing.candidateId,
    );
    // Iteration 1's reranker trained on iteration 0's candidates too, this label included.
    expect(after).toMatchObject({ label: 'pass', passed: true, verdictSource: 'label', labelUsedBy: [1] });
  }, 240_000);
});
