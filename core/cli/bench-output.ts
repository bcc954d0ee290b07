import { InvalidArgumentError } from 'commander';

/** Progress lines of a bench go to stderr so that stdout holds only the figures (pipeable with --json). */
export const benchLog = (line: string): void => void process.stderr.write(`${line}\n`);

/** A whole-number option value (commander passes option values as strings). */
export const int = (value: string): number => Number.parseInt(value, 10);

export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

/** The figures of a bench: one JSON object with --json, else one `key: value` line per figure. */
export function printFigures(result: object, json: boolean | undefined): void {
  if (json) console.log(JSON.stringify(result, null, 2));
  else for (const [k, v] of Object.entries(result)) console.log(`${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
}

/** A comma-separated choice among `allowed`, or 'none' for an empty list. */
export function nameList<T extends string>(allowed: readonly T[]) {
  return (value: string): T[] => {
    if (value === 'none') return [];
    const names = value.split(',').map((s) => s.trim());
    for (const n of names) if (!allowed.includes(n as T)) throw new InvalidArgumentError(`'${n}' is not one of ${allowed.join(', ')} (or 'none')`);
    return names as T[];
  };
}
