/** One candidate as the metrics see it: the reranker's score and whether it counts as passing. */
export interface Scored {
  score: number;
  passed: boolean;
}
