import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { type AblationName, ablationNames, benchRerank, rerankTable } from '../../test/bench/rerank';
import { benchLog, int, nameList } from './bench-output';

/** `bench rerank`: the loop on the embedded default per seed, every baseline beside the reranker, and the ablations. */
export function registerRerankBench(bench: Command): Command {
  return bench
    .command('rerank')
    .description("the reranker's held-out pick against every baseline (free picks, execution agreement, oracle), two seeds, with ablations")
    .option('--json', 'print the figures as one JSON object')
    .option('--workspace <dir>', 'where each seed runs its loop (resumed when the bench is run again)', 'bench-rerank-out')
    .option('--seeds <list>', 'comma-separated seeds', (v) => v.split(',').map((s) => Number.parseInt(s, 10)), [1, 2])
    .option('--config <file>', 'run config laid over the embedded default (e.g. fewer problems to explore)')
    .option('--ablations <list>', `comma-separated ablations, or 'none' (${ablationNames.join(', ')})`, nameList(ablationNames), [...ablationNames])
    .option('--skip-loop', "use the seeds' workspaces as they are: ablations on runs already there")
    .option('--ablation-steps <n>', "reward-model steps of each ablation (default: the run's)", int)
    .action(async (opts: { json?: boolean; workspace: string; seeds: number[]; config?: string; ablations: AblationName[]; skipLoop?: boolean; ablationSteps?: number }) => {
      const log = benchLog;
      if (opts.seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new InvalidArgumentError(`--seeds: whole numbers >= 0, comma-separated`);
      const result = await benchRerank({
        workspace: resolve(opts.workspace),
        seeds: opts.seeds,
        config: opts.config ? resolve(opts.config) : null,
        ablations: opts.ablations,
        skipLoop: opts.skipLoop ?? false,
        ablationSteps: opts.ablationSteps ?? null,
        log,
      });
      console.log(opts.json ? JSON.stringify(result, null, 2) : rerankTable(result));
    });
}
