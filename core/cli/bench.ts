import type { Command } from 'commander';
import { benchEngine } from '../../test/bench/engine';
import { registerHfBench } from './bench-hf';
import { registerModelsBench } from './bench-models';
import { registerRerankBench } from './bench-rerank';
import { registerSandboxBench } from './bench-sandbox';
import { registerUiBench } from './bench-ui';
import { registerUiStoreBench } from './bench-ui-store';

/**
 * The `bench` command group: each benchmark is a subcommand (`bench engine`, ...) that prints its figures,
 * or JSON with --json. Other benchmarks register beside `engine` here.
 */
export function registerBench(program: Command): Command {
  const bench = program.command('bench').description('run a benchmark and print medians and ratios against its baseline');
  bench
    .command('engine')
    .description('training engine: 1024^3 MatMul GFLOP/s vs FMA peak, GPT AdamW step and KV-cache decoding vs PyTorch (2 threads)')
    .option('--json', 'print the figures as one JSON object')
    .option('--rounds <n>', 'interleaved rounds per figure (medians)', (v) => Number.parseInt(v, 10), 7)
    .action(async (opts: { json?: boolean; rounds: number }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const result = await benchEngine({ rounds: opts.rounds, log });
      if (result.torch_missing_reason) log(`PyTorch figures are null: ${result.torch_missing_reason}`);
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else for (const [k, v] of Object.entries(result)) if (typeof v !== 'object' || v === null) console.log(`${k}: ${v}`);
    });
  registerSandboxBench(bench);
  registerModelsBench(bench);
  registerUiStoreBench(bench);
  registerUiBench(bench);
  registerRerankBench(bench);
  registerHfBench(bench);
  return bench;
}
