import type { Command } from 'commander';
import { benchModels } from '../../test/bench/models';
import { engineWith } from '../engine/engine-config';
import { benchLog, int, printFigures } from './bench-output';

/** `bench models`: SFT generator + reranker from scratch on the embedded default set, rerank held-out samples, export ONNX. */
export function registerModelsBench(bench: Command): Command {
  return bench
    .command('models')
    .description('train the default generator (SFT) and reranker from scratch, rerank held-out samples, export reranker.onnx')
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', 'where reranker.onnx is written', 'bench-models-out')
    .option('--rerank-problems <n>', 'training problems whose samples make the reranker pairs', int, 960)
    .option('--provider <name>', 'execution provider: cpu, webgpu, cuda (checked in a child process first)', 'cpu')
    .option('--threads <n>', 'onnxruntime intra-op threads', int, 2)
    .action(async (opts: { json?: boolean; out: string; rerankProblems: number; provider: string; threads: number }) => {
      const provider = engineWith({ provider: 'cpu', threads: opts.threads }, opts.provider).provider;
      const result = await benchModels({ out: opts.out, rerankProblems: opts.rerankProblems, provider, threads: opts.threads, log: benchLog });
      printFigures(result, opts.json);
    });
}
