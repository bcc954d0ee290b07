import { overridingLabels } from '../store/labels';
import { executionsOf } from '../store/loop-records';
import type { Db } from '../store/open-store';

export interface Verdict {
  passed: boolean;
  /** 'label' where a person's label overrides what execution said. */
  source: 'execution' | 'label';
  /** Every execution's status, first run first. */
  statuses: string[];
  wallMs: number;
}

/**
 * Pass or fail for each of an iteration's candidates: the first execution's verdict, unless a person labelled the
 * candidate, in which case their latest label wins (DESIGN.md: labels override verdicts when pairs are built).
 */
export function verdictsOf(db: Db, runId: number, iterationId: number): Map<number, Verdict> {
  const labels = overridingLabels(db, runId);
  const result = new Map<number, Verdict>();
  for (const [candidateId, runs] of executionsOf(db, iterationId)) {
    const label = labels.get(candidateId);
    result.set(candidateId, {
      passed: label ? label === 'pass' : runs[0]!.status === 'OK',
      source: label ? 'label' : 'execution',
      statuses: runs.map((r) => r.status),
      wallMs: runs[0]!.wallMs,
    });
  }
  return result;
}
