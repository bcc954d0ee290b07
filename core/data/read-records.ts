import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { errorMessage } from '../error-message';

/** A bad input, reported on one line that names the file and the place. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly place: string,
    detail: string,
  ) {
    super(`${file}:${place}: ${detail}`);
    this.name = 'DataFileError';
  }
}

/** One record of a data file with where it came from, for error messages. */
export interface SourcedRecord {
  readonly value: unknown;
  /** "line 12" for JSONL, "item 3" for a JSON array. */
  readonly place: string;
}

/** Reads JSONL (one object per line, blank lines skipped) or a JSON array file into records. */
export function readRecords(file: string): SourcedRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataFileError(file, 'open', errorMessage(err));
  }
  if (text.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (err) {
      throw new DataFileError(file, 'json', `not valid JSON (${errorMessage(err)})`);
    }
    if (!Array.isArray(items)) throw new DataFileError(file, 'json', 'expected an array of records');
    return items.map((value: unknown, i) => ({ value, place: `item ${i + 1}` }));
  }
  const records: SourcedRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    try {
      records.push({ value: JSON.parse(line), place: `line ${i + 1}` });
    } catch (err) {
      throw new DataFileError(file, `line ${i + 1}`, `not valid JSON (${errorMessage(err)})`);
    }
  }
  return records;
}

/** Parses one record with a schema; a mismatch becomes a one-line error naming the file, the place and the key. */
export function parseRecord<S extends z.ZodType>(schema: S, file: string, record: SourcedRecord): z.output<S> {
  const result = schema.safeParse(record.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue && issue.path.length > 0 ? `key "${issue.path.join('.')}": ` : '';
  throw new DataFileError(file, record.place, `${key}${issue?.message ?? 'invalid record'}`);
}
