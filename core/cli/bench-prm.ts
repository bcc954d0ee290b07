import { resolve } from 'node:path';
import type { Command } from 'commander';
import { benchPrm } from '../../test/bench/prm';
import { ppoOverridesSchema } from '../train/ppo-config';
import { type PolicyBenchOptions, benchLog, policyBenchOptions, positive, printFigures } from './bench-output';

/** `bench prm`: the process-supervision ablation (PPO, + dense reward, + value init, + both), two seeds, embedded default. */
export function registerPrmBench(bench: Command): Command {
  const command = bench
    .command('prm')
    .description('PPO baseline vs + dense reward, + value init from the PRM, + both on the embedded default: held-out pass@1, PRM line-label accuracy, labelling cost');
  return policyBenchOptions(command, {
    out: 'workspaces of the seeds (SFT generator, reranker, line labels and PRM are cached there)',
    outDefault: 'bench-prm-out',
    ppo: 'overrides of the ppo config section, as JSON (the variants then set critic, valueInit and denseReward)',
    trainProblems: "training problems sampled for the reranker's pairs and the line labels (default: the run config's)",
  })
    .option('--config <file>', 'run config laid over the embedded default (e.g. tiny models for a smoke run)')
    .option('--prm <json>', 'overrides of the prm config section for the cached part, as JSON', '{}')
    .option('--updates <n>', 'PPO rounds per variant (default: the run config\'s)', positive)
    .action(async (opts: PolicyBenchOptions & { config?: string; prm: string; updates?: number }) => {
      const ppo = ppoOverridesSchema.parse({ ...(JSON.parse(opts.ppo) as object), ...(opts.updates ? { updates: opts.updates } : {}) });
      const prm = JSON.parse(opts.prm) as Record<string, unknown>;
      const result = await benchPrm({ out: opts.out, config: opts.config ? resolve(opts.config) : null, seeds: opts.seeds, ppo, prm, log: benchLog, trainProblems: opts.trainProblems, heldoutProblems: opts.heldoutProblems });
      printFigures(result, opts.json);
    });
}
