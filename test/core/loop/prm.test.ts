import { beforeAll, describe, expect, it } from 'vitest';
import { candidateDetail, scoringCheckpoints } from '../../../core/store/inspect-queries';
import { listCandidates, scoresOf } from '../../../core/store/loop-records';
import type { Db } from '../../../core/store/open-store';
import { checkpointOfIteration } from '../../../core/store/ppo-records';
import { lineLabelsOf, lineScoresOf, prefixCompletionsOf } from '../../../core/store/prm-records';
import { findRun, listIterations } from '../../../core/store/runs';
import { completionLines } from '../../../core/train/prm/line-ends';
import { readRunStore, stageOutputs } from '../../support/loop-child';
import { type LoopRun, freshWorkspace, tinyLoopConfig, tinyLoopRunner } from '../../support/tiny-loop';

/** The run's one iteration. */
function firstIteration(db: Db): { id: number; runId: number; metrics: unknown } {
  return listIterations(db, findRun(db, 'default')!.id)[0]!;
}

/** What process supervision leaves in the store: labels, the completions behind them, the PRM's line scores. */
function prmResults(workspace: string) {
  return readRunStore(workspace, (db) => {
    const iteration = firstIteration(db);
    // Labelling's wall time is the machine's, not the run's.
    const labels = [...lineLabelsOf(db, iteration.id).values()].map(({ seconds: _seconds, ...l }) => l);
    const prm = checkpointOfIteration(db, iteration.id, 'prm');
    const scores = prm ? scoresOf(db, iteration.id, prm.id) : new Map<number, number>();
    const lines = prm ? lineScoresOf(db, iteration.id, prm.id) : new Map<number, number[]>();
    const code = new Map(listCandidates(db, iteration.id).map((c) => [c.id, c.code]));
    return {
      labels,
      completions: labels.flatMap((l) => prefixCompletionsOf(db, l.candidateId)),
      lineScores: [...scores]
        .sort(([a], [b]) => a - b)
        .map(([candidateId, score]) => ({ candidateId, code: code.get(candidateId)!, score, lineScores: lines.get(candidateId) ?? null })),
      metrics: iteration.metrics,
      stages: stageOutputs(db).filter((s) => ['label-lines', 'train-prm', 'evaluate'].includes(s.stage)),
    };
  });
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
      expect(l.labels.every((x) => x === 1 || x === 0 || x === -1)).toBe(true);
      expect(l.executions).toBe(2 * l.prefixChecks);
      expect(expected.completions.filter((c) => c.candidateId === l.candidateId)).toHaveLength(l.executions);
    }
    expect(expected.completions.length).toBeGreaterThan(0);
    // Line scores: every candidate of the iteration, one per line, the score their mean.
    expect(expected.lineScores.length).toBeGreaterThan(expected.labels.length);
    for (const s of expected.lineScores) {
      const scores = s.lineScores!;
      expect(scores).toHaveLength(completionLines(s.code).length);
      if (scores.length) expect(s.score).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 5);
    }
    // The candidate view (the diff's gutter) shows the PRM's line scores.
    const shown = readRunStore(straight, (db) => {
      const { id, runId } = firstIteration(db);
      return candidateDetail(db, id, scoringCheckpoints(db, runId, id), expected.lineScores[0]!.candidateId)?.lineScoresJson;
    });
    expect(shown).toBe(JSON.stringify(expected.lineScores[0]!.lineScores));
    const train = JSON.parse(expected.stages.find((s) => s.stage === 'train-prm')!.output_json) as { heldoutLineAccuracy: number | null; examples: number };
    expect(train.examples).toBe(10);
    const metrics = expected.metrics as { baselines: { prm_mean?: number; prm_min?: number } };
    expect(metrics.baselines.prm_mean).toBeTypeOf('number');
    expect(metrics.baselines.prm_min).toBeTypeOf('number');

    const crashed = freshWorkspace('rr-prm-b-');
    for (const killAt of ['0:label-lines', '0:train-prm']) {
      const killed = run(crashed, killAt);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
    }
    const partial = readRunStore(crashed, (db) => lineLabelsOf(db, firstIteration(db).id).size);
    expect(partial).toBe(14);
    const resumed = run(crashed);
    expect(resumed.stdout, resumed.stderr).toContain('finished');
    expect(prmResults(crashed)).toEqual(expected);
  }, 600_000);
});
