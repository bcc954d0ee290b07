import { insertMined, listCandidates, listProblems, probesOf, scoresOf } from '../../store/loop-records';
import { scoringCheckpointOf } from '../../store/views';
import { findDisputes, type DisputeCandidate } from '../mining/disputes';
import { hardNegatives } from '../mining/hard-negatives';
import type { Stage } from '../stage';
import { verdictsOf } from '../verdicts';

/**
 * mine: the hard negatives among the iteration's training candidates (failing ones the current reranker scores
 * high) and every disputed sample, with its reasons, for the labelling queue.
 */
export const mineStage: Stage = {
  name: 'mine',
  async run(ctx, config) {
    const split = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, p.split]));
    const candidates = listCandidates(ctx.db, ctx.iteration.id);
    const verdicts = verdictsOf(ctx.db, ctx.run.id, ctx.iteration.id);
    // Before this iteration's reranker exists, the checkpoint that scored its candidates (the score stage's).
    const checkpointId = scoringCheckpointOf(ctx.db, ctx.run.id, ctx.iteration.id);
    const scores = checkpointId === null ? new Map<number, number>() : scoresOf(ctx.db, ctx.iteration.id, checkpointId);
    const probes = probesOf(ctx.db, ctx.iteration.id);

    const judged = candidates.filter((c) => verdicts.has(c.id));
    const scored = judged.filter((c) => scores.has(c.id));
    const hard = hardNegatives(
      scored
        .filter((c) => split.get(c.problemId) === 'train')
        .map((c) => ({ id: c.id, problemId: c.problemId, score: scores.get(c.id)!, passed: verdicts.get(c.id)!.passed })),
      { rule: config.mine.hardNegativeRule, quantile: config.mine.hardNegativeQuantile },
    );

    const disputeInput: DisputeCandidate[] = judged.map((c) => {
      const v = verdicts.get(c.id)!;
      return {
        id: c.id,
        problemId: c.problemId,
        score: scores.get(c.id) ?? null,
        passed: v.passed,
        statuses: v.statuses,
        wallMs: v.wallMs,
        timeoutMs: 1000 * config.execute.timeoutS,
        outputSignature: probes.get(c.id) ?? null,
      };
    });
    const disputes = findDisputes(disputeInput, { confidence: config.mine.disputeConfidence, timeoutFraction: config.mine.timeoutFraction });

    return {
      write: () =>
        insertMined(ctx.db, ctx.iteration.id, [
          ...hard.map((h) => ({ candidateId: h.id, kind: 'hard-negative' as const, detail: { score: h.score, threshold: h.threshold } })),
          ...disputes.map((d) => ({ candidateId: d.id, kind: 'disputed' as const, detail: { reasons: d.reasons } })),
        ]),
      output: { hardNegatives: hard.length, disputed: disputes.length, scoredBy: checkpointId },
    };
  },
};
