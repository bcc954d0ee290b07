import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchUiStore, writeSyntheticStore } from '../../test/bench/ui-store';

/** `bench ui-store`: a synthetic store of 100,000 candidates and how fast the core answers an opened iteration. */
export function registerUiStoreBench(bench: Command): Command {
  return bench
    .command('ui-store')
    .description('write a synthetic run store (100,000 candidates) and time what opening an iteration asks the core for')
    .option('--workspace <dir>', 'where the synthetic run store is written (its run.sqlite is replaced)', 'bench-ui-store')
    .option('--candidates <n>', 'candidates in all', (v) => Number.parseInt(v, 10), 100_000)
    .option('--rounds <n>', 'calls per figure (medians)', (v) => Number.parseInt(v, 10), 7)
    .option('--create-only', 'only write the store (for the UI benchmark in Chromium)')
    .option('--reuse', 'time the store already in the workspace instead of writing a new one')
    .option('--json', 'print the figures as one JSON object')
    .action(async (opts: { workspace: string; candidates: number; rounds: number; createOnly?: boolean; reuse?: boolean; json?: boolean }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const workspace = resolve(opts.workspace);
      if (opts.createOnly) {
        const { file, candidates } = writeSyntheticStore(workspace, { candidates: opts.candidates });
        console.log(`${file}: ${candidates} candidates`);
        return;
      }
      const result = await benchUiStore({ workspace, candidates: opts.candidates, rounds: opts.rounds, reuse: opts.reuse ?? false, log });
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else for (const [k, v] of Object.entries(result)) console.log(`${k}: ${Number.isInteger(v) ? v : v.toFixed(1)}`);
    });
}
