import { loadModel } from '../../models/checkpoint';
import { uploadModel } from '../../models/programs';
import { TextTokenizer } from '../../models/tokenizers';
import { scoreCandidates } from '../../train/reward-trainer';
import { insertScores, latestCheckpoint, listCandidates, listProblems } from '../../store/loop-records';
import { meterCallback } from '../progress';
import { rerankerText } from '../reranker-texts';
import type { Stage } from '../stage';

/**
 * score: the current reranker (the previous iteration's) scores every new candidate; mining then looks for the
 * failing ones it still likes. The first iteration has no reranker yet and records that.
 */
export const scoreStage: Stage = {
  name: 'score',
  async run(ctx) {
    const checkpoint = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    if (checkpoint === null) return { write: () => {}, output: { checkpointId: null, scored: 0 } };
    const problems = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, p]));
    const candidates = listCandidates(ctx.db, ctx.iteration.id);
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const reranker = loadModel(checkpoint.path);
    const engine = await ctx.engine();
    const model = await uploadModel(engine, reranker.config, reranker.heads, reranker.tensors);
    const scores = await scoreCandidates(
      engine,
      model,
      tokenizer,
      candidates.map((c) => rerankerText(problems, c)),
      { onProgress: meterCallback('score', ctx.progress) },
    );
    return {
      write: () => insertScores(ctx.db, checkpoint.id, candidates.map((c, i) => ({ candidateId: c.id, score: scores[i]! }))),
      output: { checkpointId: checkpoint.id, scored: scores.length },
    };
  },
};
