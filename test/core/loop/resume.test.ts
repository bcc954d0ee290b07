import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeFile } from '../../../core/loop/pipeline';
import { openStore } from '../../../core/store/open-store';
import { bundleEntry } from '../../support/bundle-entry';
import { writeDefaultSetCandidates } from '../../support/default-set-candidates';

const tiny = { nLayer: 1, nEmbd: 32, nHead: 2, maxSeqLen: 160 };

/** Metrics, scores and stage outputs: what must come out the same whether or not the run was killed. */
function results(workspace: string): unknown {
  const db = openStore(storeFile(workspace));
  try {
    return {
      metrics: db.prepare('SELECT idx, status, metrics_json FROM iterations ORDER BY idx').all(),
      scores: db.prepare('SELECT candidate_id, checkpoint_id, score FROM scores ORDER BY candidate_id, checkpoint_id').all(),
      stages: (db.prepare('SELECT iteration_id, stage, output_json FROM stages ORDER BY iteration_id, stage').all() as Array<{ output_json: string }>).map(
        // Throughput and durations are the machine's, not the run's.
        (s) => ({ ...s, output_json: s.output_json.replace(/"(seconds|secondsPerRound|secondsPerStep|tokensPerSecond|pairsPerSecond)":[0-9.e+-]+/g, '"$1":0') }),
      ),
    };
  } finally {
    db.close();
  }
}

describe('resuming the loop after kill -9', () => {
  let child: string;
  let config: string;

  beforeAll(async () => {
    child = await bundleEntry('test/core/loop/iterate-child.ts');
    config = JSON.stringify({
      iterations: 2,
      tokenizer: { vocabSize: 320 },
      generator: { ...tiny, vocabSize: 320 },
      reranker: { ...tiny, vocabSize: 320 },
      sft: { steps: 8, batchSize: 16, checkpointEvery: 2 },
      execute: { timeoutS: 1 },
      reward: { steps: 8, batchPairs: 8 },
      // PPO at its smallest, its policy evaluated on a few held-out problems with short samples.
      ppo: { updates: 2, promptsPerUpdate: 4, samplesPerPrompt: 2, maxNewTokens: 12, epochs: 1, miniBatches: 1 },
      sampling: { n: 2, maxNewTokens: 12 },
      generate: { candidatesFile: writeDefaultSetCandidates(), heldoutProblems: 6 },
    });
  });

  const run = (workspace: string, killAt?: string) =>
    spawnSync(process.execPath, [child, workspace, config], {
      encoding: 'utf8',
      env: { ...process.env, ...(killAt ? { RR_KILL_AT: killAt } : {}) },
      timeout: 300_000,
    });

  it('ends with the same metrics and scores as an uninterrupted run, whichever stage it died in', () => {
    const straight = mkdtempSync(join(tmpdir(), 'rr-resume-a-'));
    const clean = run(straight);
    expect(clean.stdout, clean.stderr).toContain('finished');
    const expected = results(straight) as { metrics: Array<{ metrics_json: string | null }> };
    expect(expected.metrics.every((m) => m.metrics_json !== null)).toBe(true);

    const crashed = mkdtempSync(join(tmpdir(), 'rr-resume-b-'));
    for (const killAt of ['0:sft', '1:train-reranker', '1:ppo']) {
      const killed = run(crashed, killAt);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
    }
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(results(crashed)).toEqual(expected);
  }, 600_000);
});
