import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProblems } from '../../../../core/data/load';
import { SandboxRunner } from '../../../../core/sandbox/runner';
import { changedReturn, endlessLoop, syntaxError } from '../../../support/broken-variants';
import { DATA, runCompletions } from './run-problems';

const runner = new SandboxRunner({ jobs: 2 });
afterAll(() => runner.close());

// Problems 0 (has_close_elements) and 3 (below_zero): both return booleans in every language.
const sets: Record<string, [string, string[]]> = {
  'HumanEval (python)': ['humaneval/HumanEval.jsonl', ['HumanEval/0', 'HumanEval/3']],
  'HumanEval-X cpp': ['humaneval-x/cpp/humaneval_cpp.jsonl', ['CPP/0', 'CPP/3']],
  'HumanEval-X java': ['humaneval-x/java/humaneval_java.jsonl', ['Java/0', 'Java/3']],
  'HumanEval-X js': ['humaneval-x/js/humaneval_js.jsonl', ['JavaScript/0', 'JavaScript/3']],
  'HumanEval-X go': ['humaneval-x/go/humaneval_go.jsonl', ['Go/0', 'Go/3']],
  'HumanEval-X rust': ['humaneval-x/rust/humaneval_rust.jsonl', ['Rust/0', 'Rust/3']],
};

describe('broken variants of canonical solutions', () => {
  it.each(Object.keys(sets))('%s: changed return -> Exception, syntax error -> SyntaxError, endless loop -> Timeout', async (name) => {
    const [file, ids] = sets[name] ?? ['', []];
    const problems = loadProblems(join(DATA, file)).filter((p) => ids.includes(p.task_id));
    expect(problems).toHaveLength(2);
    const solution = (p: { canonical_solution: string | null }) => p.canonical_solution ?? '';
    const [changed, syntax, loop] = await Promise.all([
      runCompletions(runner, problems, (p) => changedReturn(solution(p))),
      runCompletions(runner, problems, (p) => syntaxError(solution(p))),
      runCompletions(runner, problems, (p) => endlessLoop(p.language, solution(p)), { timeoutMs: 1500 }),
    ]);
    const statuses = (m: typeof changed) => [...m.values()].map((r) => r.status);
    expect(statuses(changed)).toEqual(['Exception', 'Exception']);
    expect(statuses(syntax)).toEqual(['SyntaxError', 'SyntaxError']);
    expect(statuses(loop)).toEqual(['Timeout', 'Timeout']);
  }, 120_000);
});
