import { z } from 'zod';

/** The twelve languages the sandbox runs; problem files name them in several spellings (see formats/). */
export const problemLanguages = [
  'python',
  'javascript',
  'typescript',
  'cpp',
  'java',
  'csharp',
  'php',
  'bash',
  'go',
  'rust',
  'lua',
  'ruby',
] as const;
export type ProblemLanguage = (typeof problemLanguages)[number];

/**
 * How the benchmark's own evaluator builds and judges a program. The same language is run differently by
 * MultiPL-E and by CodeGeeX (HumanEval-X), so the problem says which one applies:
 * - multipl-e: MultiPL-E's eval_<lang>.py (also HumanEval and MBPP for Python: run the script, exit code decides).
 * - humaneval-x: CodeGeeX's execution.py (JS fails on any output, Go runs `go test` in a module with the vendored
 *   testify, Rust runs `rustc --test` in edition 2021, Java runs class Main without -ea, C++ uses -std=c++11).
 */
export const harnesses = ['multipl-e', 'humaneval-x'] as const;
export type Harness = (typeof harnesses)[number];

/**
 * How a completion is changed before it goes between prefix and suffix (each benchmark's evaluator does this):
 * - as-is: unchanged.
 * - python-top-block: HumanEval-X Python keeps the completion's lines up to the first non-blank line that starts
 *   in column 0 (CodeGeeX's cleanup).
 * - go-auto-imports: HumanEval-X Go inserts `import ("pkg" ...)` at `go_imports_at` for each standard package from
 *   CodeGeeX's list that the completion uses as `name.` and the test setup does not import.
 */
export const completionRules = ['as-is', 'python-top-block', 'go-auto-imports'] as const;
export type CompletionRule = (typeof completionRules)[number];

/**
 * The normalized problem: every format loads into this, and the normalized JSONL format is exactly this record
 * one per line (core/data/README.md). Program = prefix + rule(completion) + suffix.
 */
export const problemSchema = z
  .object({
    task_id: z.string().min(1),
    language: z.enum(problemLanguages),
    /** What a generator is given. */
    prompt: z.string(),
    /** Program text before the completion. */
    prefix: z.string(),
    /** Program text after the completion: the tests and whatever calls them. */
    suffix: z.string(),
    /** A completion known to pass, when the benchmark has one. */
    canonical_solution: z.string().nullable().default(null),
    harness: z.enum(harnesses).default('multipl-e'),
    completion_rule: z.enum(completionRules).default('as-is'),
    /** Offset into prefix where go-auto-imports puts its import block. */
    go_imports_at: z.number().int().nonnegative().nullable().default(null),
    /** Packages that go-auto-imports must not add again (CodeGeeX checks the test setup text). */
    go_setup: z.string().nullable().default(null),
    /** Extra libraries to link (C++: `-l<name>`), as the benchmark's evaluator does for a few tasks. */
    link: z.array(z.string().regex(/^[A-Za-z0-9_+.-]+$/)).default([]),
    /**
     * The directory holding files the harness needs besides the program (HumanEval-X Go: go.mod, go.sum,
     * vendor.tar.gz; MultiPL-E Java: javatuples-1.2.jar). The loader sets it to the problem file's directory.
     */
    support_dir: z.string().nullable().default(null),
    /** Which format the problem was read from. */
    source_format: z.string().default('normalized'),
  })
  .strict();

export type Problem = z.output<typeof problemSchema>;
export type ProblemInput = z.input<typeof problemSchema>;

export function makeProblem(input: ProblemInput): Problem {
  return problemSchema.parse(input);
}
