import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProblems } from '../../../../core/data/load';
import type { Problem } from '../../../../core/data/problem';
import { SandboxRunner } from '../../../../core/sandbox/runner';
import { endlessLoop, syntaxError } from '../../../support/broken-variants';
import { MULTIPL_E_CASES, PYTHON_MULTIPL_E_PROBLEMS, type Cases } from './multipl-e-cases';
import { DATA, runCompletions } from './run-problems';

const runner = new SandboxRunner({ jobs: 2 });
afterAll(() => runner.close());

function problemsFor(short: string): Problem[] {
  if (short === 'py') {
    const file = join(mkdtempSync(join(tmpdir(), 'rr-mpe-')), 'humaneval-py.jsonl');
    writeFileSync(file, PYTHON_MULTIPL_E_PROBLEMS.map((p) => JSON.stringify(p)).join('\n'));
    return loadProblems(file, 'multipl-e');
  }
  return loadProblems(join(DATA, `multipl-e/humaneval-${short}.jsonl`));
}

describe('MultiPL-E: hand-written completions in every language', () => {
  it.each(Object.keys(MULTIPL_E_CASES))('%s: correct ones are OK, wrong ones are not', async (short) => {
    const cases = MULTIPL_E_CASES[short] as Cases;
    const problems = problemsFor(short).filter((p) => p.task_id in cases);
    expect(problems).toHaveLength(2);
    const pick = (key: 'ok' | 'wrong') => (p: Problem) => cases[p.task_id as keyof Cases][key];
    const [ok, wrong] = await Promise.all([runCompletions(runner, problems, pick('ok')), runCompletions(runner, problems, pick('wrong'))]);
    for (const [id, result] of ok) expect(result.status, `${id}: ${result.stderr.text}`).toBe('OK');
    for (const [id, result] of wrong) expect(result.status, `${id}: ${result.stderr.text}`).toBe('Exception');
  }, 120_000);

  it.each(Object.keys(MULTIPL_E_CASES))('%s: a syntax error is a SyntaxError, an endless loop a Timeout', async (short) => {
    const cases = MULTIPL_E_CASES[short] as Cases;
    const problems = problemsFor(short).filter((p) => p.task_id === 'HumanEval_13_greatest_common_divisor');
    const ok = cases.HumanEval_13_greatest_common_divisor.ok;
    const [syntax, loop] = await Promise.all([
      runCompletions(runner, problems, () => syntaxError(ok)),
      runCompletions(runner, problems, (p) => endlessLoop(p.language, ok), { timeoutMs: 1500 }),
    ]);
    expect([...syntax.values()].map((r) => r.status)).toEqual(['SyntaxError']);
    expect([...loop.values()].map((r) => r.status)).toEqual(['Timeout']);
  }, 120_000);
});
