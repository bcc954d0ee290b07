import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { builtInSets } from '../data/built-in-sets';
import { DEFAULT_SEED, generateDefaultSet } from '../data/default-set';

function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError(`'${value}' is not a seed (an integer 0-4294967295)`);
  }
  return seed;
}

/** `rewardranker data ...`: problem-set tools. */
export function registerData(program: Command): void {
  const data = program.command('data').description('problem sets: list the built-in ones, generate the embedded default set');
  data
    .command('sets')
    .description('list the built-in public problem sets (a run config names one as "problems": {"set": ...})')
    .option('--json', 'one JSON object per set')
    .action((opts: { json?: boolean }) => {
      for (const set of builtInSets()) {
        if (opts.json) console.log(JSON.stringify(set));
        else {
          const use = set.evaluationOnly ? ', evaluation only' : '';
          console.log(`${set.name.padEnd(24)} ${set.language.padEnd(11)} ${String(set.problems).padStart(4)} problems  ${set.license}${use}`);
        }
      }
    });
  data
    .command('default-set')
    .description('generate the embedded default problem set (problems.jsonl and manifest.json)')
    .option('--out <dir>', 'folder to write into', 'resources/default-set')
    .option('--seed <n>', `generator seed (the committed set uses ${DEFAULT_SEED})`, parseSeed, DEFAULT_SEED)
    .action((opts: { out: string; seed: number }) => {
      const set = generateDefaultSet({ seed: opts.seed });
      const out = resolve(opts.out);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'problems.jsonl'), set.jsonl);
      writeFileSync(join(out, 'manifest.json'), set.manifest);
      const heldout = set.problems.filter((p) => p.split === 'heldout').length;
      const train = set.problems.length - heldout;
      console.log(`wrote ${set.problems.length} problems (${train} train, ${heldout} held out) to ${out}`);
    });
}
