import { describe, expect, it } from 'vitest';
import { withinBudget } from '../../../../core/loop/stages/label-lines';

describe('the labelling budget', () => {
  it('takes candidates in order while their worst cases fit, and stops at the first that does not', () => {
    const cost = (c: number): number => c;
    expect(withinBudget([4, 0, 4, 1], cost, 9)).toEqual({ taken: [4, 0, 4, 1], stopped: false });
    // 4 + 0 + 4 = 8 fits 8; the 1 after them would not, nor would a cheaper one after it be tried.
    expect(withinBudget([4, 0, 4, 1, 0], cost, 8)).toEqual({ taken: [4, 0, 4], stopped: true });
    expect(withinBudget([5], cost, 4)).toEqual({ taken: [], stopped: true });
    // Passing candidates cost nothing: labelled even with no budget left, until a failing one comes.
    expect(withinBudget([0, 0, 3], cost, 0)).toEqual({ taken: [0, 0], stopped: true });
  });
});
