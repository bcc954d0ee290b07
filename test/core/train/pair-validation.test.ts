import { expect, test } from 'vitest';
import { pairAccuracy, splitPairsByProblem } from '../../../core/train/pair-validation';
import type { Pair } from '../../../core/train/pairs';

const pairs: Pair[] = Array.from({ length: 20 }, (_, t) =>
  Array.from({ length: 3 }, (_, i) => ({ taskId: `task${t}`, chosen: `p${t}.${i}`, rejected: `f${t}.${i}`, weight: 1 })),
).flat();

test('whole problems are set aside, the same ones for the same seed', () => {
  const a = splitPairsByProblem(pairs, 0.25, 7);
  const tasks = (ps: Pair[]): Set<string> => new Set(ps.map((p) => p.taskId));
  expect(tasks(a.validation).size).toBe(5);
  expect(a.validation).toHaveLength(15);
  expect(a.train).toHaveLength(45);
  for (const t of tasks(a.validation)) expect(tasks(a.train).has(t)).toBe(false);
  expect(splitPairsByProblem(pairs, 0.25, 7).validation).toEqual(a.validation);
  expect(tasks(splitPairsByProblem(pairs, 0.25, 8).validation)).not.toEqual(tasks(a.validation));
});

test('fewer than two problems to set aside: all pairs train', () => {
  expect(splitPairsByProblem(pairs, 0.05, 1).validation).toHaveLength(0);
  expect(splitPairsByProblem(pairs, 0, 1).train).toHaveLength(60);
});

test('pair accuracy weighs pairs and counts ties half', () => {
  const ps: Pair[] = [
    { taskId: 'a', chosen: 'x', rejected: 'y', weight: 2 },
    { taskId: 'a', chosen: 'x', rejected: 'z', weight: 1 },
    { taskId: 'a', chosen: 'w', rejected: 'y', weight: 1 },
  ];
  const score = new Map([['x', 1], ['y', 0], ['z', 3], ['w', 0]]);
  expect(pairAccuracy(ps, score)).toBeCloseTo((2 + 0 + 0.5) / 4, 10);
});
