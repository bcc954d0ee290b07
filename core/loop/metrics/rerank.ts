import type { Scored } from '../../train/scored';

export interface RerankMetrics {
  /** Pass rate of the reranker's top pick (ties at the top share the pick evenly). */
  rerankPass1: number;
  /** Pass rate of a uniformly random sample: the mean pass fraction per problem. */
  randomPass1: number;
  /** Share of problems with at least one passing sample (pass@N, the oracle). */
  oraclePassN: number;
  /** (rerank - random) / (oracle - random): the share of the random-to-oracle gap reranking closes; null when no gap. */
  gapClosed: number | null;
  problems: number;
}

/** Best-of-N selection metrics over problems, each a list of its scored candidates (problems without any are skipped). */
export function rerankMetrics(problems: ReadonlyArray<ReadonlyArray<Scored>>): RerankMetrics {
  let rerank = 0;
  let random = 0;
  let oracle = 0;
  let counted = 0;
  for (const candidates of problems) {
    if (candidates.length === 0) continue;
    counted++;
    const top = Math.max(...candidates.map((c) => c.score));
    const picks = candidates.filter((c) => c.score === top);
    rerank += picks.filter((c) => c.passed).length / picks.length;
    const passing = candidates.filter((c) => c.passed).length;
    random += passing / candidates.length;
    if (passing > 0) oracle++;
  }
  if (counted === 0) return { rerankPass1: 0, randomPass1: 0, oraclePassN: 0, gapClosed: null, problems: 0 };
  const result = { rerankPass1: rerank / counted, randomPass1: random / counted, oraclePassN: oracle / counted };
  const gap = result.oraclePassN - result.randomPass1;
  return { ...result, gapClosed: gap > 1e-12 ? (result.rerankPass1 - result.randomPass1) / gap : null, problems: counted };
}
