import { z } from 'zod';
import { assembleProgram } from './assemble';
import type { Problem } from './problem';
import { DataFileError, parseRecord, readRecords } from './read-records';

const taskId = z.union([z.number().int(), z.string().min(1)]).transform(String);

/** A candidate is a completion (assembled with its problem) or a whole program (run as it is). */
const candidateRecord = z.union([
  z.object({ task_id: taskId, completion: z.string() }).strict(),
  z.object({ task_id: taskId, program: z.string() }).strict(),
]);
export type Candidate = z.output<typeof candidateRecord>;

/** Reads candidates from JSONL: {task_id, completion} or {task_id, program} per line. */
export function loadCandidates(file: string): Candidate[] {
  const records = readRecords(file);
  if (records.length === 0) throw new DataFileError(file, 'line 1', 'no candidates in the file');
  return records.map((record) => {
    const value = record.value;
    // A clearer message than the union's for the common mistakes: a missing or doubled text field.
    if (typeof value === 'object' && value !== null) {
      const hasCompletion = 'completion' in value;
      const hasProgram = 'program' in value;
      if (hasCompletion === hasProgram) {
        throw new DataFileError(file, record.place, 'expected exactly one of the keys "completion" or "program"');
      }
    }
    return parseRecord(candidateRecord, file, record);
  });
}

/** The program to run for a candidate of this problem. */
export function candidateProgram(problem: Problem, candidate: Candidate): string {
  return 'program' in candidate ? candidate.program : assembleProgram(problem, candidate.completion);
}
