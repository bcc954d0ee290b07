import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchPrm } from '../../test/bench/prm';
import { ppoOverridesSchema } from '../train/ppo-config';
import { benchLog, int, positive, printFigures } from './bench-output';

/** `bench prm`: the process-supervision ablation (PPO, + dense reward, + value init, + both), two seeds, embedded default. */
export function registerPrmBench(bench: Command): Command {
  return bench
    .command('prm')
    .description('PPO baseline vs + dense reward, + value init from the PRM, + both on the embedded default: held-out pass@1, PRM line-label accuracy, labelling cost')
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', 'workspaces of the seeds (SFT generator, reranker, line labels and PRM are cached there)', 'bench-prm-out')
    .option('--seeds <list>', 'comma-separated run seeds', '1,2')
    .option('--config <file>', 'run config laid over the embedded default (e.g. tiny models for a smoke run)')
    .option('--ppo <json>', 'overrides of the ppo config section, as JSON (the variants then set critic, valueInit and denseReward)', '{}')
    .option('--prm <json>', 'overrides of the prm config section for the cached part, as JSON', '{}')
    .option('--updates <n>', 'PPO rounds per variant (default: the run config\'s)', positive)
    .option('--train-problems <n>', "training problems sampled for the reranker's pairs and the line labels (default: the run config's)", int)
    .option('--heldout-problems <n>', 'held-out problems the policies are evaluated on (default: all)', int)
    .action(async (opts: { json?: boolean; out: string; seeds: string; config?: string; ppo: string; prm: string; updates?: number; trainProblems?: number; heldoutProblems?: number }) => {
      const ppo = ppoOverridesSchema.parse({ ...(JSON.parse(opts.ppo) as object), ...(opts.updates ? { updates: opts.updates } : {}) });
      const prm = JSON.parse(opts.prm) as Record<string, unknown>;
      const seeds = opts.seeds.split(',').map((s) => Number.parseInt(s, 10));
      const result = await benchPrm({ out: opts.out, config: opts.config ? resolve(opts.config) : null, seeds, ppo, prm, log: benchLog, trainProblems: opts.trainProblems, heldoutProblems: opts.heldoutProblems });
      printFigures(result, opts.json);
    });
}
