import type { Command } from 'commander';
import { benchRl, type RlVariantName, rlVariantNames } from '../../test/bench/rl';
import { ppoOverridesSchema } from '../train/ppo-config';
import { type PolicyBenchOptions, benchLog, nameList, policyBenchOptions, printFigures } from './bench-output';

/** `bench rl`: PPO, GRPO and PPO on the execution reward against the SFT generator, two seeds, embedded default. */
export function registerRlBench(bench: Command): Command {
  const command = bench
    .command('rl')
    .description('SFT generator vs PPO, GRPO and execution-reward PPO on the embedded default: held-out pass@1, KL, seconds per update');
  return policyBenchOptions(command, {
    out: 'workspaces of the seeds (the SFT generator and reranker are cached there)',
    outDefault: 'bench-rl-out',
    ppo: 'overrides of the ppo config section, as JSON',
    trainProblems: "training problems sampled for the reranker's pairs (default: the run config's)",
  })
    .option('--variants <list>', `comma-separated policy optimisations to run (${rlVariantNames.join(', ')})`, nameList(rlVariantNames), [...rlVariantNames])
    .action(async (opts: PolicyBenchOptions & { variants: RlVariantName[] }) => {
      const ppo = ppoOverridesSchema.parse(JSON.parse(opts.ppo));
      const result = await benchRl({ out: opts.out, seeds: opts.seeds, ppo, log: benchLog, trainProblems: opts.trainProblems, heldoutProblems: opts.heldoutProblems, variants: opts.variants });
      printFigures(result, opts.json);
    });
}
