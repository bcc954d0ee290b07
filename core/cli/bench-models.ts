import type { Command } from 'commander';
import { benchModels } from '../../test/bench/models';
import { benchLog, int, printFigures } from './bench-output';

/** `bench models`: SFT generator + reranker from scratch on the embedded default set, rerank held-out samples, export ONNX. */
export function registerModelsBench(bench: Command): Command {
  return bench
    .command('models')
    .description('train the default generator (SFT) and reranker from scratch, rerank held-out samples, export reranker.onnx')
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', 'where reranker.onnx is written', 'bench-models-out')
    .option('--rerank-problems <n>', 'training problems whose samples make the reranker pairs', int, 960)
    .action(async (opts: { json?: boolean; out: string; rerankProblems: number }) => {
      const result = await benchModels({ out: opts.out, rerankProblems: opts.rerankProblems, log: benchLog });
      printFigures(result, opts.json);
    });
}
