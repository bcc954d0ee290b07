import type { Command } from 'commander';
import { benchUi } from '../../test/bench/ui-scale';
import { benchLog, positive, printFigures } from './bench-output';

/** `bench ui`: the notebook over a 100k-candidate store in Chromium (time to show an iteration, scroll frames). */
export function registerUiBench(bench: Command): void {
  bench
    .command('ui')
    .description('notebook UI at scale in Chromium: ms to show an iteration (target < 1000), frame times scrolling the lists')
    .option('--json', 'print the figures as one JSON object')
    .option('--candidates <n>', 'candidates in the synthetic store', positive, 100_000)
    .option('--rounds <n>', 'rounds per figure (medians)', positive, 5)
    .action(async (opts: { json?: boolean; candidates: number; rounds: number }) => {
      const result = await benchUi({ candidates: opts.candidates, rounds: opts.rounds, log: benchLog });
      printFigures(result, opts.json);
    });
}
