import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../support/bundle-entry';
import { writeDefaultSetCandidates } from '../../support/default-set-candidates';
import { readRunStore, runLoopChild, stageOutputs } from '../../support/loop-child';

const tiny = { nLayer: 1, nEmbd: 32, nHead: 2, maxSeqLen: 160, vocabSize: 320 };

/** The PPO stage's output, its per-round logs and rollouts, and the evaluation: the same with or without a kill. */
function results(workspace: string): unknown {
  return readRunStore(workspace, (db) => ({
    stages: stageOutputs(db).filter((s) => ['ppo', 'evaluate'].includes(s.stage)),
    steps: (db.prepare('SELECT step, log_json FROM ppo_steps ORDER BY step').all() as Array<{ step: number; log_json: string }>).map((s) => ({
      ...s,
      log_json: s.log_json.replace(/"seconds":[0-9.e+-]+/, '"seconds":0'),
    })),
    rollouts: db.prepare('SELECT step, problem_id, sample_idx, code, score, execution_reward FROM ppo_rollouts ORDER BY step, problem_id, sample_idx').all(),
  }));
}

describe('the loop with process supervision: line labels, the PRM, then PPO with dense reward and a critic from the PRM', () => {
  let child: string;
  let config: string;

  beforeAll(async () => {
    child = await bundleEntry('test/core/loop/iterate-child.ts');
    config = JSON.stringify({
      iterations: 1,
      tokenizer: { vocabSize: 320 },
      generator: tiny,
      reranker: tiny,
      sft: { steps: 8, batchSize: 16 },
      execute: { timeoutS: 1 },
      reward: { steps: 8, batchPairs: 8 },
      sampling: { n: 2, maxNewTokens: 12 },
      generate: { candidatesFile: writeDefaultSetCandidates(), heldoutProblems: 6 },
      prm: { enabled: true, k: 2, maxCandidates: 6, heldoutCandidates: 2, chunkCandidates: 4, steps: 6, batchSize: 8, maxLength: 160, trainOn: 'all' },
      ppo: { critic: 'separate', valueInit: 'prm', denseReward: true, updates: 3, promptsPerUpdate: 4, samplesPerPrompt: 2, maxNewTokens: 12, epochs: 1, miniBatches: 1 },
    });
  });

  const run = (workspace: string, killAt?: string) => runLoopChild(child, workspace, config, { killAt, timeoutMs: 300_000 });

  it('runs, logs the dense share, and after kill -9 during ppo resumes to the same rounds, rollouts and figures', () => {
    const straight = mkdtempSync(join(tmpdir(), 'rr-ppo-prm-a-'));
    const clean = run(straight);
    expect(clean.stdout, clean.stderr).toContain('finished');
    const expected = results(straight) as { steps: Array<{ log_json: string }> };
    expect(expected.steps).toHaveLength(3);
    for (const s of expected.steps) expect((JSON.parse(s.log_json) as { denseShare: number | null }).denseShare).not.toBeNull();

    const crashed = mkdtempSync(join(tmpdir(), 'rr-ppo-prm-b-'));
    const killed = run(crashed, '0:ppo');
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(results(crashed)).toEqual(expected);
  }, 600_000);
});
