import { expect, test } from 'vitest';
import { buildPairs, type JudgedCandidate } from '../../../core/train/pairs';

const c = (id: string, taskId: string, passed: boolean, extra: Partial<JudgedCandidate> = {}): JudgedCandidate => ({ id, taskId, passed, ...extra });

test('pairs: passing against failing within a problem, a label overrides the verdict, hard negatives weigh more', () => {
  const pairs = buildPairs(
    [
      c('a', 'p1', true),
      c('b', 'p1', false, { hardNegative: true }),
      c('c', 'p1', true, { label: false }),
      c('d', 'p2', true),
      c('e', 'p3', false),
      c('f', 'p3', false, { label: true }),
    ],
    { maxPairsPerProblem: 10, hardNegativeWeight: 3, seed: 1 },
  );
  const key = (p: { taskId: string; chosen: string; rejected: string; weight: number }): string => `${p.taskId}:${p.chosen}>${p.rejected}x${p.weight}`;
  expect(pairs.map(key).sort()).toEqual(['p1:a>bx3', 'p1:a>cx1', 'p3:f>ex1']);
});

test('pairs are balanced per problem: at most maxPairsPerProblem, drawn reproducibly', () => {
  const many = [...Array.from({ length: 10 }, (_, i) => c(`p${i}`, 'big', true)), ...Array.from({ length: 10 }, (_, i) => c(`n${i}`, 'big', false)), c('x', 'small', true), c('y', 'small', false)];
  const one = buildPairs(many, { maxPairsPerProblem: 5, hardNegativeWeight: 2, seed: 4 });
  expect(one.filter((p) => p.taskId === 'big')).toHaveLength(5);
  expect(one.filter((p) => p.taskId === 'small')).toHaveLength(1);
  expect(new Set(one.map((p) => `${p.chosen}>${p.rejected}`)).size).toBe(6);
  expect(buildPairs(many, { maxPairsPerProblem: 5, hardNegativeWeight: 2, seed: 4 })).toEqual(one);
  expect(buildPairs(many, { maxPairsPerProblem: 5, hardNegativeWeight: 2, seed: 5 })).not.toEqual(one);
});

test('copies of one completion within a problem count once', () => {
  const pairs = buildPairs(
    [c('a', 'p', true, { text: 'x' }), c('b', 'p', true, { text: 'x' }), c('d', 'p', false, { text: 'y' }), c('e', 'p', false, { text: 'y' }), c('f', 'q', false, { text: 'x' }), c('g', 'q', true, { text: 'z' })],
    { maxPairsPerProblem: 10, hardNegativeWeight: 2, seed: 0 },
  );
  expect(pairs.map((p) => `${p.chosen}>${p.rejected}`).sort()).toEqual(['a>d', 'g>f']);
});
