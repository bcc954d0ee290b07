import { type Command, InvalidArgumentError, Option } from 'commander';

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

/** A comma-separated list of run seeds. */
export function seedList(value: string): number[] {
  return value.split(',').map((s) => Number.parseInt(s, 10));
}

/** What the policy benches (rl, prm) all take: where the seeds' workspaces go, which seeds, PPO overrides, the problems. */
export interface PolicyBenchOptions {
  json?: boolean;
  out: string;
  seeds: number[];
  ppo: string;
  trainProblems?: number;
  heldoutProblems?: number;
}

/** Adds the policy benches' shared options; `help` holds what differs between them (the defaults stay the same). */
export function policyBenchOptions(command: Command, help: { out: string; outDefault: string; ppo: string; trainProblems: string }): Command {
  return command
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', help.out, help.outDefault)
    .addOption(new Option('--seeds <list>', 'comma-separated run seeds').argParser(seedList).default([1, 2], '1,2'))
    .option('--ppo <json>', help.ppo, '{}')
    .option('--train-problems <n>', help.trainProblems, int)
    .option('--heldout-problems <n>', 'held-out problems the policies are evaluated on (default: all)', int);
}
