import { z } from 'zod';
import type { MinedCandidate } from './hard-negatives';

export interface DisputeCandidate extends Omit<MinedCandidate, 'score'> {
  /** The reranker's score; null before any reranker exists (then it can't disagree with anything). */
  score: number | null;
  /** Verdicts of every execution of this candidate, first run first (re-runs append). */
  statuses: readonly string[];
  wallMs: number;
  timeoutMs: number;
  /**
   * A digest of the candidate's outputs on extra inputs beyond the problem's tests, for passing candidates where
   * the loop computed one; null where not.
   */
  outputSignature: string | null;
}

const disputeReasonSchema = z.object({ kind: z.enum(['reranker-disagrees', 'inconclusive-execution', 'weak-tests']), detail: z.string() });
export type DisputeReason = z.output<typeof disputeReasonSchema>;

/** What the mine stage stores for a disputed candidate (its `mined.detail` column). */
export const disputeDetailSchema = z.object({ reasons: z.array(disputeReasonSchema) });

export interface Dispute {
  id: number;
  problemId: number;
  reasons: DisputeReason[];
}

export interface DisputeOptions {
  /** How sure the reranker must be (0.5-1) for disagreeing with the verdict to count. */
  confidence: number;
  /** A Timeout that ran at least this share of the limit is inconclusive rather than an endless loop. */
  timeoutFraction: number;
}

/**
 * Samples worth a person's look, each with why: the reranker confidently contradicts the verdict; the execution
 * can't be trusted (a Timeout near the limit, our own SandboxError, a different verdict on re-run); or the tests
 * are too weak to tell passing candidates apart (their outputs differ on extra inputs).
 */
export function findDisputes(candidates: readonly DisputeCandidate[], options: DisputeOptions): Dispute[] {
  const reasons = new Map<number, DisputeReason[]>();
  const add = (id: number, reason: DisputeReason): void => {
    const list = reasons.get(id);
    if (list) list.push(reason);
    else reasons.set(id, [reason]);
  };

  const midpoint = decisionThreshold(candidates);
  for (const c of candidates) {
    const pPass = c.score === null ? 0.5 : 1 / (1 + Math.exp(-(c.score - midpoint)));
    if (c.passed && pPass < 1 - options.confidence) {
      add(c.id, { kind: 'reranker-disagrees', detail: `passes, but the reranker gives it ${(pPass * 100).toFixed(1)}% to pass` });
    } else if (!c.passed && pPass > options.confidence) {
      add(c.id, { kind: 'reranker-disagrees', detail: `fails, but the reranker gives it ${(pPass * 100).toFixed(1)}% to pass` });
    }
    const last = c.statuses[c.statuses.length - 1];
    if (last === 'Timeout' && c.wallMs >= options.timeoutFraction * c.timeoutMs) {
      add(c.id, { kind: 'inconclusive-execution', detail: `Timeout after ${Math.round(c.wallMs)} ms, close to the ${c.timeoutMs} ms limit` });
    }
    if (c.statuses.includes('SandboxError')) {
      add(c.id, { kind: 'inconclusive-execution', detail: 'the sandbox failed on it (not the candidate\'s fault)' });
    }
    if (new Set(c.statuses).size > 1) {
      add(c.id, { kind: 'inconclusive-execution', detail: `different verdicts on re-run: ${c.statuses.join(', ')}` });
    }
  }

  for (const [id, detail] of weakTestOutliers(candidates)) add(id, { kind: 'weak-tests', detail });

  const byId = new Map(candidates.map((c) => [c.id, c]));
  return [...reasons].map(([id, list]) => ({ id, problemId: byId.get(id)!.problemId, reasons: list }));
}

/** Midway between the mean passing and mean failing score: where the reranker is 50/50, without calibration data. */
function decisionThreshold(candidates: readonly DisputeCandidate[]): number {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const scored = candidates.filter((c): c is DisputeCandidate & { score: number } => c.score !== null);
  const passing = scored.filter((c) => c.passed).map((c) => c.score);
  const failing = scored.filter((c) => !c.passed).map((c) => c.score);
  if (passing.length === 0 || failing.length === 0) return 0;
  return (mean(passing) + mean(failing)) / 2;
}

/** Passing candidates whose outputs on extra inputs disagree with their problem's most common passing behaviour. */
function weakTestOutliers(candidates: readonly DisputeCandidate[]): Array<[number, string]> {
  const byProblem = new Map<number, DisputeCandidate[]>();
  for (const c of candidates) {
    if (!c.passed || c.outputSignature === null) continue;
    const list = byProblem.get(c.problemId);
    if (list) list.push(c);
    else byProblem.set(c.problemId, [c]);
  }
  const result: Array<[number, string]> = [];
  for (const list of byProblem.values()) {
    const counts = new Map<string, number>();
    for (const c of list) counts.set(c.outputSignature!, (counts.get(c.outputSignature!) ?? 0) + 1);
    if (counts.size < 2) continue;
    const top = Math.max(...counts.values());
    const majority = [...counts].filter(([, n]) => n === top);
    // With a tie there is no majority to trust: every passing candidate of the problem is suspect.
    const trusted = majority.length === 1 ? majority[0]![0] : null;
    for (const c of list) {
      if (c.outputSignature !== trusted) {
        result.push([c.id, `passes the tests, but its outputs on extra inputs differ from ${trusted === null ? 'other' : `${top} other`} passing candidates`]);
      }
    }
  }
  return result;
}
