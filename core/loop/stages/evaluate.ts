import { latestCheckpoint } from '../../store/loop-records';
import { setIterationMetrics } from '../../store/runs';
import { iterationMetrics } from '../iteration-metrics';
import { policyComparison } from '../policy-eval';
import type { Stage } from '../stage';

/** evaluate: best-of-N on the held-out problems with this iteration's reranker, against random and oracle. */
export const evaluateStage: Stage = {
  name: 'evaluate',
  async run(ctx) {
    const reranker = latestCheckpoint(ctx.db, ctx.run.id, 'reranker');
    if (reranker === null) throw new Error('evaluate: no reranker has been trained in this run');
    const metrics = iterationMetrics(ctx.db, ctx.run.id, ctx.iteration.id, reranker.id);
    const policy = policyComparison(ctx.db, ctx.iteration.id, metrics);
    ctx.log(
      'info',
      `iteration ${ctx.iteration.index}: reranked pass@1 ${metrics.rerank_pass1.toFixed(3)}, random ${metrics.random_pass1.toFixed(3)}, oracle ${metrics.oracle_passn.toFixed(3)}`,
    );
    return {
      write: () => setIterationMetrics(ctx.db, ctx.iteration.id, policy ? { ...metrics, policy } : metrics),
      output: { rerankPass1: metrics.rerank_pass1, randomPass1: metrics.random_pass1, oraclePassN: metrics.oracle_passn, ...(policy ? { policy } : {}) },
    };
  },
};
