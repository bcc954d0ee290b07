import type { Command } from 'commander';
import { benchModels } from '../../test/bench/models';

/** `bench models`: SFT generator + reranker from scratch on the embedded default set, rerank held-out samples, export ONNX. */
export function registerModelsBench(bench: Command): Command {
  return bench
    .command('models')
    .description('train the default generator (SFT) and reranker from scratch, rerank held-out samples, export reranker.onnx')
    .option('--json', 'print the figures as one JSON object')
    .option('--out <dir>', 'where reranker.onnx is written', 'bench-models-out')
    .option('--rerank-problems <n>', 'training problems whose samples make the reranker pairs', (v) => Number.parseInt(v, 10), 960)
    .action(async (opts: { json?: boolean; out: string; rerankProblems: number }) => {
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const result = await benchModels({ out: opts.out, rerankProblems: opts.rerankProblems, log });
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else for (const [k, v] of Object.entries(result)) console.log(`${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`);
    });
}
