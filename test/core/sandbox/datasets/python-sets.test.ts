import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProblems } from '../../../../core/data/load';
import { SandboxRunner } from '../../../../core/sandbox/runner';
import { DATA, mismatches, runCompletions } from './run-problems';

const runner = new SandboxRunner({ jobs: 2 });
afterAll(() => runner.close());

describe('reference solutions of the Python sets all pass', () => {
  it.each([
    ['HumanEval', 'humaneval/HumanEval.jsonl', 164],
    ['MBPP (full)', 'mbpp/mbpp.jsonl', 974],
    ['MBPP (sanitized)', 'mbpp/sanitized-mbpp.json', 427],
  ])('%s (%s): all %i pass', async (_name, file, count) => {
    const problems = loadProblems(join(DATA, file));
    const results = await runCompletions(runner, problems, (p) => p.canonical_solution);
    expect(results.size).toBe(count);
    expect(mismatches(results, 'OK')).toEqual([]);
  }, 300_000);
});
