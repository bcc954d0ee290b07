import type { Command } from 'commander';
import { type BenchSize, benchEngine, benchSizes } from '../../test/bench/engine';
import { engineWith } from '../engine/engine-config';
import { registerHfBench } from './bench-hf';
import { registerModelsBench } from './bench-models';
import { registerPrmBench } from './bench-prm';
import { registerRerankBench } from './bench-rerank';
import { registerRlBench } from './bench-rl';
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
    .description('training engine on a provider: resident MatMul GFLOP/s, GPT AdamW step (single and K per run), KV-cache decoding at batch 1/8/64; PyTorch beside cpu/small')
    .option('--json', 'print the figures as one JSON object')
    .option('--rounds <n>', 'interleaved rounds per figure (medians)', (v) => Number.parseInt(v, 10), 7)
    .option('--provider <name>', 'execution provider: cpu, webgpu, cuda (checked in a child process first)', 'cpu')
    .option('--size <size>', 'small (V512 d256 L4, B8 T128) or medium (V8192 d768 L12, B16 T512)', 'small')
    .option('--threads <n>', 'onnxruntime intra-op threads', (v) => Number.parseInt(v, 10), 2)
    .option('--k <n>', 'optimizer steps per run for the K-step figure', (v) => Number.parseInt(v, 10), 4)
    .option('--no-keep-on-device', 'place every output in CPU memory on a GPU too (to measure what keeping state on the device buys)')
    .action(async (opts: { json?: boolean; rounds: number; provider: string; size: string; threads: number; k: number; keepOnDevice: boolean }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      if (!(opts.size in benchSizes)) throw new Error(`bench engine --size: '${opts.size}' is not small or medium`);
      const provider = engineWith({ provider: 'cpu', threads: opts.threads }, opts.provider).provider;
      const result = await benchEngine({ rounds: opts.rounds, log, provider, size: opts.size as BenchSize, threads: opts.threads, k: opts.k, keepOnDevice: opts.keepOnDevice });
      if (result.torch_missing_reason) log(`PyTorch figures are null: ${result.torch_missing_reason}`);
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else for (const [k, v] of Object.entries(result)) if (typeof v !== 'object' || v === null) console.log(`${k}: ${v}`);
    });
  registerSandboxBench(bench);
  registerModelsBench(bench);
  registerUiStoreBench(bench);
  registerUiBench(bench);
  registerRerankBench(bench);
  registerRlBench(bench);
  registerPrmBench(bench);
  registerHfBench(bench);
  return bench;
}
