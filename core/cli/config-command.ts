import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { documentedConfig } from '../config/config-doc';
import { loadRunConfig, runConfigSchema } from '../loop/run-config';

export const defaultConfigHeader = [
  'RewardRanker run config: JSON with comments. Every key is optional; what is left out takes the value shown here',
  '(the embedded default). Written by `rewardranker config` from the schema itself.',
];

/** `config`: print (or write) a run config with every key documented, the defaults or a given file's values. */
export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print a run config with every key and its help text (the embedded default, or --from FILE checked and filled in)')
    .option('--from <file>', 'a config to check and complete with the defaults')
    .option('--out <file>', 'write it here instead of printing')
    .action((opts: { from?: string; out?: string }) => {
      const text = documentedConfig(runConfigSchema, loadRunConfig(opts.from ?? null), defaultConfigHeader);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
