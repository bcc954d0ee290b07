import { join } from 'node:path';
import { appRoot } from '../app-root';
import { loadProblems, type ProblemFormat } from './load';
import type { Problem, ProblemLanguage } from './problem';

/**
 * The public problem sets shipped in resources/datasets (its README names each file's source commit and license):
 * what the tests and benchmarks run on, and what a run can learn from or evaluate on by name.
 */
export interface BuiltInSet {
  readonly name: string;
  /** The file below resources/datasets. */
  readonly path: string;
  readonly format: ProblemFormat;
  readonly language: ProblemLanguage;
  readonly problems: number;
  readonly license: string;
  /** MultiPL-E's terms allow evaluation only, not training on its problems. */
  readonly evaluationOnly: boolean;
}

// HumanEval-X's folder for each language.
const humanEvalX = { python: 'python', cpp: 'cpp', java: 'java', javascript: 'js', go: 'go', rust: 'rust' } as const;
// MultiPL-E's file name for each language, and how many of HumanEval's problems it could translate.
const multiplE = {
  cpp: { file: 'cpp', problems: 161 },
  csharp: { file: 'cs', problems: 158 },
  go: { file: 'go', problems: 154 },
  java: { file: 'java', problems: 158 },
  javascript: { file: 'js', problems: 161 },
  lua: { file: 'lua', problems: 161 },
  php: { file: 'php', problems: 161 },
  ruby: { file: 'rb', problems: 161 },
  rust: { file: 'rs', problems: 156 },
  bash: { file: 'sh', problems: 158 },
  typescript: { file: 'ts', problems: 159 },
} as const;

const sets: readonly BuiltInSet[] = [
  { name: 'humaneval', path: 'humaneval/HumanEval.jsonl', format: 'humaneval', language: 'python', problems: 164, license: 'MIT', evaluationOnly: false },
  { name: 'mbpp', path: 'mbpp/mbpp.jsonl', format: 'mbpp', language: 'python', problems: 974, license: 'CC-BY-4.0', evaluationOnly: false },
  {
    name: 'mbpp-sanitized',
    path: 'mbpp/sanitized-mbpp.json',
    format: 'mbpp-sanitized',
    language: 'python',
    problems: 427,
    license: 'CC-BY-4.0',
    evaluationOnly: false,
  },
  ...Object.entries(humanEvalX).map(([language, dir]) => ({
    name: `humaneval-x-${language}`,
    path: `humaneval-x/${dir}/humaneval_${dir}.jsonl`,
    format: 'humaneval-x' as const,
    language: language as ProblemLanguage,
    problems: 164,
    license: 'Apache-2.0',
    evaluationOnly: false,
  })),
  ...Object.entries(multiplE).map(([language, { file, problems }]) => ({
    name: `multipl-e-${language}`,
    path: `multipl-e/humaneval-${file}.jsonl`,
    format: 'multipl-e' as const,
    language: language as ProblemLanguage,
    problems,
    license: 'BSD-3-Clause, evaluation only',
    evaluationOnly: true,
  })),
];

/** The names a run config's `problems.set` takes. */
export const builtInSetNames = sets.map((s) => s.name) as [string, ...string[]];

/** The folder holding the built-in sets (inside the app; a packaged app keeps it outside its archive). */
export function builtInSetsDir(): string {
  return join(appRoot().dir, 'resources', 'datasets');
}

/** Every built-in set, with the absolute path of its file. */
export function builtInSets(): BuiltInSet[] {
  return sets.map((s) => ({ ...s, path: join(builtInSetsDir(), s.path) }));
}

/** The named built-in set, or an error that lists the names. */
export function builtInSet(name: string): BuiltInSet {
  const found = builtInSets().find((s) => s.name === name);
  if (!found) throw new Error(`unknown problem set '${name}'; the built-in sets are ${builtInSetNames.join(', ')}`);
  return found;
}

export function loadBuiltInSet(name: string): Problem[] {
  const set = builtInSet(name);
  return loadProblems(set.path, set.format);
}
