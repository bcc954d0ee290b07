import type { Scored } from '../../train/scored';

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Candidates scoring at least this count as predicted passing. */
  threshold: number;
}

/**
 * The ROC curve of the score as a pass/fail classifier: one point per distinct score (ties move together, so the
 * area under it equals the Mann-Whitney AUC), then thinned to at most `maxPoints`, always keeping both ends.
 */
export function rocCurve(candidates: ReadonlyArray<Scored>, maxPoints: number): { points: RocPoint[]; positives: number; negatives: number } {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((c) => c.passed).length;
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return { points: [], positives, negatives };
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; ) {
    const threshold = sorted[i]!.score;
    for (; i < sorted.length && sorted[i]!.score === threshold; i++) {
      if (sorted[i]!.passed) tp++;
      else fp++;
    }
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold });
  }
  return { points: thin(points, maxPoints), positives, negatives };
}

/** The trapezoid area under ROC points. */
export function areaUnder(points: readonly RocPoint[]): number | null {
  if (points.length < 2) return null;
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i]!.fpr - points[i - 1]!.fpr) * (points[i]!.tpr + points[i - 1]!.tpr)) / 2;
  return area;
}

function thin(points: RocPoint[], maxPoints: number): RocPoint[] {
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => points[Math.round(k * step)]!);
}
