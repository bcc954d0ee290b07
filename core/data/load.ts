import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { humanEvalProblem, humanEvalRecord } from './formats/humaneval';
import { humanEvalXProblem, humanEvalXRecord } from './formats/humaneval-x';
import { mbppProblem, mbppRecord, mbppSanitizedProblem, mbppSanitizedRecord } from './formats/mbpp';
import { multiplEProblem, multiplERecord } from './formats/multipl-e';
import { problemSchema, type Problem } from './problem';
import { DataFileError, parseRecord, readRecords, type SourcedRecord } from './read-records';

interface Format<S extends z.ZodType> {
  readonly schema: S;
  readonly toProblem: (record: z.output<S>) => Problem;
  /** Keys whose presence identifies the format (checked in the order of `formats`). */
  readonly signature: readonly string[];
}
const format = <S extends z.ZodType>(f: Format<S>): Format<S> => f;

// Order matters for detection: the most specific signatures first.
export const formats = {
  normalized: format({ schema: problemSchema, toProblem: (r) => r, signature: ['prefix', 'suffix', 'language'] }),
  'multipl-e': format({ schema: multiplERecord, toProblem: multiplEProblem, signature: ['stop_tokens', 'tests'] }),
  'humaneval-x': format({ schema: humanEvalXRecord, toProblem: humanEvalXProblem, signature: ['declaration'] }),
  'mbpp-sanitized': format({
    schema: mbppSanitizedRecord,
    toProblem: mbppSanitizedProblem,
    signature: ['test_imports', 'test_list'],
  }),
  mbpp: format({ schema: mbppRecord, toProblem: mbppProblem, signature: ['test_setup_code', 'test_list'] }),
  humaneval: format({ schema: humanEvalRecord, toProblem: humanEvalProblem, signature: ['entry_point', 'test'] }),
};
export type ProblemFormat = keyof typeof formats;
export const problemFormats = Object.keys(formats) as ProblemFormat[];

export function isProblemFormat(name: string): name is ProblemFormat {
  return name in formats;
}

/** Names the format of a record by the keys it has, or null. */
export function detectFormat(record: unknown): ProblemFormat | null {
  if (typeof record !== 'object' || record === null) return null;
  for (const name of problemFormats) {
    if (formats[name].signature.every((key) => key in record)) return name;
  }
  return null;
}

function convert(name: ProblemFormat, file: string, record: SourcedRecord): Problem {
  const f = formats[name] as Format<z.ZodType>;
  return f.toProblem(parseRecord(f.schema, file, record));
}

/**
 * Reads a problem file (JSONL, or a JSON array for sanitized MBPP) into normalized problems. The format is detected
 * from the first record's keys unless given; every record must then match it, and a duplicate task_id is an error.
 */
export function loadProblems(file: string, format?: ProblemFormat): Problem[] {
  const records = readRecords(file);
  const first = records[0];
  if (first === undefined) throw new DataFileError(file, 'line 1', 'no problems in the file');
  const name = format ?? detectFormat(first.value);
  if (name === null) {
    throw new DataFileError(
      file,
      first.place,
      `cannot tell the problem format from the keys; pass one of ${problemFormats.join(', ')}`,
    );
  }
  const seen = new Set<string>();
  const supportDir = dirname(resolve(file));
  return records.map((record) => {
    const converted = convert(name, file, record);
    const problem = { ...converted, support_dir: converted.support_dir ?? supportDir };
    if (seen.has(problem.task_id)) {
      throw new DataFileError(file, record.place, `key "task_id": duplicate task ${problem.task_id}`);
    }
    seen.add(problem.task_id);
    return problem;
  });
}
