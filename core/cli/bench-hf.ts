import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchHf } from '../../test/bench/hf';
import { benchLog, int, printFigures } from './bench-output';

/** `bench hf`: import, memory, sampling and LoRA training figures for a random checkpoint of Qwen2.5-0.5B's shape. */
export function registerHfBench(bench: Command): Command {
  return bench
    .command('hf')
    .description("a random bf16 checkpoint of Qwen2.5-0.5B's shape: import time, memory, sampling tokens/s, LoRA rank-16 training steps/s")
    .option('--json', 'print the figures as one JSON object')
    .option('--layers <n>', 'transformer blocks (24 is the real shape; fewer to fit a small machine)', int, 24)
    .option('--prompt-tokens <n>', 'prompt length for sampling', int, 32)
    .option('--new-tokens <n>', 'tokens sampled per row', int, 16)
    .option('--train-seq-len <n>', 'tokens per training sequence', int, 64)
    .option('--train-steps <n>', 'timed training steps', int, 3)
    .action(async (opts: { json?: boolean; layers: number; promptTokens: number; newTokens: number; trainSeqLen: number; trainSteps: number }) => {
      const log = benchLog;
      const dir = mkdtempSync(join(tmpdir(), 'rr-bench-hf-'));
      try {
        const result = await benchHf({ dir, layers: opts.layers, promptTokens: opts.promptTokens, newTokens: opts.newTokens, trainSeqLen: opts.trainSeqLen, trainSteps: opts.trainSteps, log });
        printFigures(result, opts.json);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
}
