import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../../core/api/client';
import { Core } from '../../../core/host/core';
import { writeDefaultSetCandidates } from '../../support/default-set-candidates';

/**
 * The loop through the API, as the UI drives it: start a run in the background (candidates from a file, a small
 * reranker from scratch), follow its events, then read what the UI shows and label a candidate.
 */
describe('the loop over the API', () => {
  let core: Core;
  let client: ApiClient;
  const stages: string[] = [];
  let progressEvents = 0;
  let configFile: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-api-loop-'));
    configFile = join(dir, 'run.jsonc');
    writeFileSync(
      configFile,
      JSON.stringify({
        iterations: 2,
        generate: { candidatesFile: writeDefaultSetCandidates() },
        execute: { timeoutS: 1 },
        reward: { init: 'scratch', steps: 12, batchPairs: 8 },
        reranker: { nLayer: 1, nEmbd: 32, nHead: 2 },
      }),
    );
    core = new Core({ mode: 'web', workspace: join(dir, 'workspace'), electronVersion: null });
    client = new ApiClient(core);
    client.on('loop.stage', (e) => void (e.state === 'done' && stages.push(`${e.iteration}:${e.stage}`)));
    client.on('loop.progress', () => void progressEvents++);
    const finished = new Promise<void>((resolve) => client.on('loop.state', (s) => void (!s.running && resolve())));
    expect(await client.call('loop.start', { configFile })).toMatchObject({ running: true, run: 'default' });
    await expect(client.call('loop.start', { configFile })).rejects.toThrow(/already running/);
    await finished;
  }, 240_000);
  afterAll(() => core.loop.close());

  it('runs every applicable stage of both iterations, reporting progress', async () => {
    expect(await client.call('loop.state')).toEqual({ running: false, run: null, error: null });
    expect(stages).toEqual([
      '0:tokenizer', '0:generate', '0:execute', '0:score', '0:mine', '0:train-reranker', '0:evaluate',
      '1:generate', '1:execute', '1:score', '1:mine', '1:train-reranker', '1:evaluate',
    ]);
    expect(progressEvents).toBeGreaterThan(0);
    const status = await client.call('runs.status', { run: 'default' });
    expect(status?.iterations.map((i) => [i.index, i.status])).toEqual([[0, 'done'], [1, 'done']]);
    expect(await client.call('runs.list')).toMatchObject([{ name: 'default', iterations: 2 }]);
  });

  it('gives each iteration held-out metrics and the previous iteration to overlay', async () => {
    const { metrics, previous } = await client.call('iterations.metrics', { iteration: 1 });
    expect(previous).not.toBeNull();
    expect(metrics!.problems).toBe(6);
    expect(metrics!.oracle_passn).toBe(1);
    expect(metrics!.random_pass1).toBeGreaterThan(0);
    const bins = metrics!.histogram.edges.length - 1;
    expect(metrics!.histogram.passing).toHaveLength(bins);
    expect(metrics!.histogram.passing.reduce((a, b) => a + b, 0) + metrics!.histogram.failing.reduce((a, b) => a + b, 0)).toBe(metrics!.candidates);
    expect(Object.keys(metrics!.per_language)).toEqual(['python']);
  });

  it('lists problems and their candidates best-first by the reranker', async () => {
    const problems = await client.call('problems.list', { iteration: 1, split: 'heldout' });
    expect(problems).toHaveLength(6);
    const candidates = await client.call('candidates.byProblem', { iteration: 1, problemId: problems[0]!.problemId });
    const scores = candidates.map((c) => c.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(candidates.some((c) => c.passed === true)).toBe(true);
    expect(problems[0]!.pickPasses).toBe(candidates[0]!.passed);
  });

  it('lists disputed samples with their reasons', async () => {
    const disputed = await client.call('mined.list', { iteration: 0, kind: 'disputed' });
    expect(disputed.length).toBeGreaterThan(0);
    expect(disputed.flatMap((d) => d.disputeReasons.map((r) => r.kind))).toContain('inconclusive-execution');
  });

  it('takes a label that overrides the verdict and keeps its history', async () => {
    const [target] = await client.call('mined.list', { iteration: 1, kind: 'disputed', limit: 1 });
    await client.call('labels.put', { candidateId: target!.candidateId, verdict: 'pass', note: 'slow but right', author: 'ana' });
    const [after] = (await client.call('candidates.byProblem', { iteration: 1, problemId: target!.problemId })).filter(
      (c) => c.candidateId === target!.candidateId,
    );
    expect(after).toMatchObject({ passed: true, verdictSource: 'label' });
    expect((await client.call('labels.list', { candidateId: target!.candidateId })).map((l) => l.note)).toEqual(['slow but right']);
    await expect(client.call('labels.put', { candidateId: 999_999, verdict: 'fail' })).rejects.toThrow(/no candidate 999999/);
  });

  it('answers read-only SQL and refuses writes', async () => {
    const result = await client.call('store.query', { sql: "SELECT status, count(*) AS n FROM executions WHERE attempt = 0 GROUP BY status ORDER BY status" });
    expect(result.columns).toEqual(['status', 'n']);
    expect(result.rows.map((r) => r[0])).toEqual(['Exception', 'OK', 'Timeout']);
    await expect(client.call('store.query', { sql: 'DELETE FROM labels' })).rejects.toThrow(ApiCallError);
  });

  it('cancels a running loop, which the same start then resumes to the end', async () => {
    const stoppedWith = (): Promise<string | null> =>
      new Promise((resolve) => {
        const off = client.on('loop.state', (s) => {
          if (!s.running) {
            off();
            resolve(s.error);
          }
        });
      });
    let stopped = stoppedWith();
    await client.call('loop.start', { run: 'second', iterations: 1, configFile });
    const state = await client.call('loop.cancel');
    expect(state).toMatchObject({ running: false, error: expect.stringMatching(/cancelled|aborted/) });
    expect(await stopped).toMatch(/cancelled|aborted/);
    expect((await client.call('runs.status', { run: 'second' }))?.iterations[0]?.status).toBe('cancelled');

    stopped = stoppedWith();
    await client.call('loop.start', { run: 'second', iterations: 1, configFile });
    expect(await stopped).toBeNull();
    expect((await client.call('runs.status', { run: 'second' }))?.iterations[0]?.status).toBe('done');
  });

  it('refuses to resume a run with another config, saying so in one line', async () => {
    const stopped = new Promise<string | null>((resolve) => client.on('loop.state', (s) => void (!s.running && resolve(s.error))));
    await client.call('loop.start', { run: 'second', iterations: 1, configFile: join(process.cwd(), 'resources/configs/default.jsonc') });
    expect(await stopped).toMatch(/run 'second' was started with another config/);
  });
});
