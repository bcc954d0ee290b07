import { assembleProgram } from '../../../../core/data/assemble';
import { builtInSetsDir } from '../../../../core/data/built-in-sets';
import type { Problem } from '../../../../core/data/problem';
import type { ProgramContext } from '../../../../core/sandbox/language';
import type { Limits } from '../../../../core/sandbox/limits';
import type { SandboxRunner } from '../../../../core/sandbox/runner';
import type { ExecutionResult } from '../../../../core/sandbox/verdict';

export const DATA = builtInSetsDir();

export function contextOf(problem: Problem): ProgramContext {
  return { harness: problem.harness, link: problem.link, supportDir: problem.support_dir };
}

/** Runs one completion per problem (null skips the problem) and returns the results by task id. */
export async function runCompletions(
  runner: SandboxRunner,
  problems: readonly Problem[],
  completion: (problem: Problem) => string | null,
  limits: Partial<Limits> = {},
): Promise<Map<string, ExecutionResult>> {
  const chosen = problems.flatMap((problem) => {
    const text = completion(problem);
    return text === null ? [] : [{ problem, text }];
  });
  const results = await runner.runBatch(
    chosen.map(({ problem, text }) => ({
      language: problem.language,
      program: assembleProgram(problem, text),
      limits,
      context: contextOf(problem),
    })),
  );
  return new Map(chosen.map(({ problem }, i) => [problem.task_id, results[i] as ExecutionResult]));
}

/** Task ids whose status is not the expected one, with the first line of why, for a readable failure. */
export function mismatches(results: Map<string, ExecutionResult>, expected: string): string[] {
  return [...results]
    .filter(([, r]) => r.status !== expected)
    .map(([id, r]) => `${id}: ${r.status} (${r.phase}) ${(r.detail ?? r.stderr.text).split('\n').slice(0, 3).join(' | ').slice(0, 300)}`);
}
