import { problemSchema } from '../data/problem';
import type { ScoredText } from '../train/reward-trainer';
import type { CandidateRecord, ProblemRecord } from '../store/loop-records';

/** What the reranker reads for a candidate: its problem's prompt and the completion. */
export function rerankerText(problems: ReadonlyMap<number, ProblemRecord>, candidate: CandidateRecord): ScoredText {
  return { prompt: problemSchema.parse(problems.get(candidate.problemId)!.data).prompt, completion: candidate.code };
}
