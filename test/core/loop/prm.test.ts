import { beforeAll, describe, expect, it } from 'vitest';
import { candidateDetail, scoringCheckpoints } from '../../../core/store/inspect-queries';
import { completionLines } from '../../../core/train/prm/line-ends';
import { readRunStore, stageOutputs } from '../../support/loop-child';
import { type LoopRun, freshWorkspace, tinyLoopConfig, tinyLoopRunner } from '../../support/tiny-loop';

/** What process supervision leaves in the store: labels, the completions behind them, the PRM's line scores. */
function prmResults(workspace: string) {
  return readRunStore(workspace, (db) => ({
    labels: db.prepare('SELECT candidate_id, labels_json, last_recoverable, prefix_checks, executions FROM line_labels ORDER BY candidate_id').all() as Array<{
      candidate_id: number;
      labels_json: string;
      last_recoverable: number;
      prefix_checks: number;
      executions: number;
    }>,
    completions: db.prepare('SELECT * FROM prefix_completions ORDER BY candidate_id, prefix_lines, sample_idx').all() as Array<{ candidate_id: number; passed: number }>,
    lineScores: db
      .prepare(
        `SELECT s.candidate_id, c.code, s.score, s.line_scores_json FROM scores s JOIN checkpoints k ON k.id = s.checkpoint_id
         JOIN candidates c ON c.id = s.candidate_id WHERE k.kind = 'prm' ORDER BY s.candidate_id`,
      )
      .all() as Array<{ candidate_id: number; code: string; score: number; line_scores_json: string | null }>,
    metrics: db.prepare('SELECT metrics_json FROM iterations ORDER BY idx').all() as Array<{ metrics_json: string | null }>,
    stages: stageOutputs(db).filter((s) => ['label-lines', 'train-prm', 'evaluate'].includes(s.stage)),
  }));
}

describe('process supervision in the loop', () => {
  let run: LoopRun;

  beforeAll(async () => {
    const config = tinyLoopConfig(
      {
        sft: { steps: 6, batchSize: 16 },
        reward: { steps: 4, batchPairs: 8 },
        ppo: { updates: 0 },
        prm: { enabled: true, k: 2, maxCandidates: 10, heldoutCandidates: 4, chunkCandidates: 3, trainOn: 'all', steps: 6, batchSize: 4, checkpointEvery: 2 },
      },
      { train: 6, heldout: 4 },
    );
    run = await tinyLoopRunner(config, 240_000);
  });

  it('labels lines, trains the PRM, stores line scores, and resumes after kill -9 to the same labels and scores', () => {
    const straight = freshWorkspace('rr-prm-a-');
    const clean = run(straight);
    expect(clean.stdout, clean.stderr).toContain('finished');
    const expected = prmResults(straight);

    // Labels: held-out and training candidates, one label per line, every completion kept (K per prefix check).
    expect(expected.labels.length).toBe(14);
    for (const l of expected.labels) {
      const labels = JSON.parse(l.labels_json) as number[];
      expect(labels.every((x) => x === 1 || x === 0 || x === -1)).toBe(true);
      expect(l.executions).toBe(2 * l.prefix_checks);
      expect(expected.completions.filter((c) => c.candidate_id === l.candidate_id)).toHaveLength(l.executions);
    }
    expect(expected.completions.length).toBeGreaterThan(0);
    // Line scores: every candidate of the iteration, one per line, the score their mean.
    expect(expected.lineScores.length).toBeGreaterThan(expected.labels.length);
    for (const s of expected.lineScores) {
      const scores = JSON.parse(s.line_scores_json!) as number[];
      expect(scores).toHaveLength(completionLines(s.code).length);
      if (scores.length) expect(s.score).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 5);
    }
    // The candidate view (the diff's gutter) shows the PRM's line scores.
    const shown = readRunStore(straight, (db) => {
      const { id, run_id } = db.prepare('SELECT id, run_id FROM iterations WHERE idx = 0').get() as { id: number; run_id: number };
      return candidateDetail(db, id, scoringCheckpoints(db, run_id, id), expected.lineScores[0]!.candidate_id)?.lineScoresJson;
    });
    expect(shown).toBe(expected.lineScores[0]!.line_scores_json);
    const train = JSON.parse(expected.stages.find((s) => s.stage === 'train-prm')!.output_json) as { heldoutLineAccuracy: number | null; examples: number };
    expect(train.examples).toBe(10);
    const metrics = JSON.parse(expected.metrics[0]!.metrics_json!) as { baselines: { prm_mean?: number; prm_min?: number } };
    expect(metrics.baselines.prm_mean).toBeTypeOf('number');
    expect(metrics.baselines.prm_min).toBeTypeOf('number');

    const crashed = freshWorkspace('rr-prm-b-');
    for (const killAt of ['0:label-lines', '0:train-prm']) {
      const killed = run(crashed, killAt);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
    }
    const partial = readRunStore(crashed, (db) => db.prepare('SELECT count(*) AS n FROM line_labels').get() as { n: number });
    expect(partial.n).toBe(14);
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(prmResults(crashed)).toEqual(expected);
  }, 600_000);
});
