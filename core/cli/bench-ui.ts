import { InvalidArgumentError, type Command } from 'commander';
import { benchUi } from '../../test/bench/ui-scale';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

/** `bench ui`: the notebook over a 100k-candidate store in Chromium (time to show an iteration, scroll frames). */
export function registerUiBench(bench: Command): void {
  bench
    .command('ui')
    .description('notebook UI at scale in Chromium: ms to show an iteration (target < 1000), frame times scrolling the lists')
    .option('--json', 'print the figures as one JSON object')
    .option('--candidates <n>', 'candidates in the synthetic store', positive, 100_000)
    .option('--rounds <n>', 'rounds per figure (medians)', positive, 5)
    .action(async (opts: { json?: boolean; candidates: number; rounds: number }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const result = await benchUi({ candidates: opts.candidates, rounds: opts.rounds, log });
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else
        for (const [k, v] of Object.entries(result)) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    });
}
