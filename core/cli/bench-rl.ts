import type { Command } from 'commander';
import { benchRl, type RlVariantName, rlVariantNames } from '../../test/bench/rl';
import { ppoOverridesSchema } from '../train/ppo-config';
import { benchLog, int, nameList, printFigures } from './bench-output';

/** `bench rl`: PPO, GRPO and PPO on the execution reward against the SFT generator, two seeds, embedded default. */
export function registerRlBench(bench: Command): Command {
  return bench
    .command('rl')
    .description('SFT generator vs PPO, GRPO and execution-reward PPO on the embedded default: held-out pass@1, KL, seconds per update')
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', 'workspaces of the seeds (the SFT generator and reranker are cached there)', 'bench-rl-out')
    .option('--seeds <list>', 'comma-separated run seeds', '1,2')
    .option('--ppo <json>', 'overrides of the ppo config section, as JSON', '{}')
    .option('--train-problems <n>', "training problems sampled for the reranker's pairs (default: the run config's)", int)
    .option('--variants <list>', `comma-separated policy optimisations to run (${rlVariantNames.join(', ')})`, nameList(rlVariantNames), [...rlVariantNames])
    .option('--heldout-problems <n>', 'held-out problems the policies are evaluated on (default: all)', int)
    .action(async (opts: { json?: boolean; out: string; seeds: string; ppo: string; trainProblems?: number; heldoutProblems?: number; variants: RlVariantName[] }) => {
      const ppo = ppoOverridesSchema.parse(JSON.parse(opts.ppo));
      const seeds = opts.seeds.split(',').map((s) => Number.parseInt(s, 10));
      const result = await benchRl({ out: opts.out, seeds, ppo, log: benchLog, trainProblems: opts.trainProblems, heldoutProblems: opts.heldoutProblems, variants: opts.variants });
      printFigures(result, opts.json);
    });
}
