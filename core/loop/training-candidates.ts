import type { JudgedCandidate } from '../train/pairs';
import type { HeldoutCandidate, ScoredText } from '../train/reward-trainer';
import { listCandidates, listMined, listProblems } from '../store/loop-records';
import type { Db } from '../store/open-store';
import { listIterations } from '../store/runs';
import { rerankerText } from './reranker-texts';
import { verdictsOf } from './verdicts';

export interface JudgedSets {
  /** Training problems' candidates of every iteration up to the given one, judged (labels override verdicts). */
  judged: JudgedCandidate[];
  texts: Map<string, ScoredText>;
  /** The given iteration's held-out candidates, judged, with their texts. */
  heldout: HeldoutCandidate[];
  heldoutIds: number[];
}

/** What reranker training and the pairs export both start from. Candidate ids become strings, as pairs use them. */
export function judgedCandidates(db: Db, runId: number, uptoIndex: number): JudgedSets {
  const problems = new Map(listProblems(db, runId).map((p) => [p.id, p]));
  const sets: JudgedSets = { judged: [], texts: new Map(), heldout: [], heldoutIds: [] };
  for (const iteration of listIterations(db, runId).filter((i) => i.index <= uptoIndex)) {
    const verdicts = verdictsOf(db, runId, iteration.id);
    const hard = new Set(listMined(db, iteration.id, 'hard-negative').map((m) => m.candidateId));
    for (const candidate of listCandidates(db, iteration.id)) {
      const verdict = verdicts.get(candidate.id);
      if (!verdict) continue;
      const problem = problems.get(candidate.problemId)!;
      const item = { id: String(candidate.id), taskId: problem.taskId, passed: verdict.passed, hardNegative: hard.has(candidate.id) };
      const text = rerankerText(problems, candidate);
      if (problem.split === 'train') {
        sets.judged.push(item);
        sets.texts.set(item.id, text);
      } else if (iteration.index === uptoIndex) {
        sets.heldout.push({ ...item, ...text });
        sets.heldoutIds.push(candidate.id);
      }
    }
  }
  return sets;
}
