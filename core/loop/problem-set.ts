import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { appRoot } from '../app-root';
import { builtInSet } from '../data/built-in-sets';
import { splitOf } from '../data/default-set';
import { isProblemFormat, loadProblems } from '../data/load';
import type { Problem } from '../data/problem';
import { ConfigError } from '../config/config-file';
import type { RunConfig } from './run-config';

export interface SplitProblem {
  problem: Problem;
  split: 'train' | 'heldout';
}

export const embeddedDefaultSet = join(appRoot().dir, 'resources', 'default-set', 'problems.jsonl');

/**
 * The run's problems with their split. The embedded set carries its own (held-out problems are new combinations);
 * a built-in set or a user's file is split by a hash of each task id, so the split never depends on the file's order.
 */
export function loadRunProblems(config: RunConfig['problems'], seed: number): SplitProblem[] {
  if (config.set !== null && config.path !== null) {
    throw new ConfigError(`problems: give a set ('${config.set}') or a path ('${config.path}'), not both`);
  }
  if (config.set !== null) {
    const set = builtInSet(config.set);
    return splitByHash(loadProblems(set.path, set.format), config.heldoutFraction, seed);
  }
  if (config.path === null) {
    return loadProblems(embeddedDefaultSet, 'normalized').map((problem) => ({
      problem,
      split: splitOf(problem.task_id) === 'heldout' ? 'heldout' : 'train',
    }));
  }
  if (config.format !== null && !isProblemFormat(config.format)) {
    throw new ConfigError(`problems.format: unknown format '${config.format}'`);
  }
  return splitByHash(loadProblems(config.path, config.format ?? undefined), config.heldoutFraction, seed);
}

function splitByHash(problems: Problem[], heldoutFraction: number, seed: number): SplitProblem[] {
  return problems.map((problem) => ({
    problem,
    split: hashFraction(`${seed}:${problem.task_id}`) < heldoutFraction ? 'heldout' : 'train',
  }));
}

function hashFraction(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}
