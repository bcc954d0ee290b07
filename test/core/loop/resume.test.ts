import { beforeAll, describe, expect, it } from 'vitest';
import { ppoRolloutsOf, ppoStepsOf } from '../../../core/store/ppo-records';
import { findRun, listIterations } from '../../../core/store/runs';
import { readRunStore, stageOutputs } from '../../support/loop-child';
import { type LoopRun, freshWorkspace, tinyLoopConfig, tinyLoopRunner } from '../../support/tiny-loop';

/**
 * Metrics, scores, stage outputs, and PPO's per-round logs and rollouts: what must come out the same whether or not
 * the run was killed.
 */
function results(workspace: string) {
  return readRunStore(workspace, (db) => {
    const iterations = listIterations(db, findRun(db, 'default')!.id);
    return {
      metrics: db.prepare('SELECT idx, status, metrics_json FROM iterations ORDER BY idx').all() as Array<{ metrics_json: string | null }>,
      scores: db.prepare('SELECT candidate_id, checkpoint_id, score FROM scores ORDER BY candidate_id, checkpoint_id').all(),
      stages: stageOutputs(db),
      // Each iteration's PPO rounds, their wall time zeroed (the machine's, not the run's).
      ppoSteps: iterations.map((it) => ppoStepsOf(db, it.id).map((log) => JSON.parse(JSON.stringify(log).replace(/"seconds":[0-9.e+-]+/, '"seconds":0')) as { denseShare: number | null })),
      rollouts: iterations.map((it) => ppoRolloutsOf(db, it.id)),
    };
  });
}

describe('resuming the loop after kill -9', () => {
  let run: LoopRun;

  beforeAll(async () => {
    // Two iterations with process supervision on, PPO at its smallest with dense reward and a critic from the PRM,
    // its policy evaluated on a few held-out problems with short samples.
    const config = tinyLoopConfig(
      {
        iterations: 2,
        sft: { steps: 8, batchSize: 16, checkpointEvery: 2 },
        reward: { steps: 8, batchPairs: 8 },
        prm: { enabled: true, k: 2, maxCandidates: 6, heldoutCandidates: 2, chunkCandidates: 4, steps: 6, batchSize: 8, maxLength: 160, trainOn: 'all' },
        ppo: { critic: 'separate', valueInit: 'prm', denseReward: true, updates: 2, promptsPerUpdate: 4, samplesPerPrompt: 2, maxNewTokens: 12, epochs: 1, miniBatches: 1 },
      },
      { heldoutProblems: 6 },
    );
    run = await tinyLoopRunner(config, 300_000);
  });

  it('ends with the same metrics, scores, PPO rounds and rollouts as an uninterrupted run, whichever stage it died in', () => {
    const straight = freshWorkspace('rr-resume-a-');
    const clean = run(straight);
    expect(clean.stdout, clean.stderr).toContain('finished');
    const expected = results(straight);
    expect(expected.metrics.every((m) => m.metrics_json !== null)).toBe(true);
    // PPO logged every round of both iterations with the PRM's dense share of the reward.
    expect(expected.ppoSteps.map((steps) => steps.length)).toEqual([2, 2]);
    for (const s of expected.ppoSteps.flat()) expect(s.denseShare).not.toBeNull();

    const crashed = freshWorkspace('rr-resume-b-');
    for (const killAt of ['0:sft', '1:train-reranker', '1:ppo']) {
      const killed = run(crashed, killAt);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
    }
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(results(crashed)).toEqual(expected);
  }, 600_000);
});
