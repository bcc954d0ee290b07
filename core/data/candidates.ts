import { z } from 'zod';
import { assembleProgram } from './assemble';
import type { Problem } from './problem';
import { DataFileError, parseRecord, readRecords } from './read-records';

const taskId = z.union([z.number().int(), z.string().min(1)]).transform(String);

/** The keys that say what a candidate's text is; a line has exactly one of them. */
const textKeys = ['completion', 'program', 'solution'] as const;

/**
 * A candidate's text is one of:
 * - completion: what follows the prompt; assembled with its problem.
 * - program: a whole program, run as it is.
 * - solution: EvalPlus's form, the prompt and the completion together; it takes the prompt's place in the program.
 * Any other key (model, temperature, an id, earlier results) is kept in `extra`, untouched, for the caller to pass on.
 */
const candidateRecord = z
  .object({
    task_id: taskId,
    completion: z.string().optional(),
    program: z.string().optional(),
    solution: z.string().optional(),
  })
  .catchall(z.unknown());

export type CandidateText = { completion: string } | { program: string } | { solution: string };
export type Candidate = { task_id: string; extra: Record<string, unknown> } & CandidateText;

/** Reads candidates from JSONL: task_id and one of completion, program or solution per line; other keys kept. */
export function loadCandidates(file: string): Candidate[] {
  const records = readRecords(file);
  if (records.length === 0) throw new DataFileError(file, 'line 1', 'no candidates in the file');
  return records.map((record) => {
    const value = record.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const present = textKeys.filter((key) => key in value);
      if (present.length !== 1) {
        throw new DataFileError(file, record.place, 'expected exactly one of the keys "completion", "program" or "solution"');
      }
    }
    const { task_id, completion, program, solution, ...extra } = parseRecord(candidateRecord, file, record);
    if (completion !== undefined) return { task_id, completion, extra };
    if (program !== undefined) return { task_id, program, extra };
    return { task_id, solution: solution!, extra };
  });
}

/** The program to run for a candidate of this problem. */
export function candidateProgram(problem: Problem, candidate: Candidate): string {
  if ('program' in candidate) return candidate.program;
  if ('solution' in candidate) {
    // The solution repeats the prompt, so it replaces the prompt where the prefix ends with it (HumanEval); where
    // the prefix holds no prompt (MBPP: the completion is the whole program) it simply follows the prefix.
    const { prefix, prompt, suffix } = problem;
    const head = prompt !== '' && prefix.endsWith(prompt) ? prefix.slice(0, prefix.length - prompt.length) : prefix;
    return head + candidate.solution + suffix;
  }
  return assembleProgram(problem, candidate.completion);
}
