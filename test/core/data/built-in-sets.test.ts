import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInSet, builtInSetNames, builtInSets, builtInSetsDir, loadBuiltInSet } from '../../../core/data/built-in-sets';
import { loadProblems } from '../../../core/data/load';
import { loadRunProblems } from '../../../core/loop/problem-set';
import { runConfigSchema } from '../../../core/loop/run-config';

describe('the built-in problem sets', () => {
  it('are unchanged copies of their sources (SHA256SUMS)', () => {
    const dir = builtInSetsDir();
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.length).toBeGreaterThan(20);
    for (const line of sums) {
      const [sum, file] = line.split(/\s+/);
      expect(createHash('sha256').update(readFileSync(join(dir, file!))).digest('hex'), file).toBe(sum);
    }
  });

  it('each loads with the problems, language and format it is listed with', () => {
    const sets = builtInSets();
    expect(sets.map((s) => s.name)).toEqual(builtInSetNames);
    expect(builtInSetNames).toEqual(expect.arrayContaining(['humaneval', 'mbpp', 'humaneval-x-go', 'multipl-e-rust']));
    for (const set of sets) {
      const problems = loadProblems(set.path);
      expect(problems, set.name).toHaveLength(set.problems);
      expect(new Set(problems.map((p) => p.language)), set.name).toEqual(new Set([set.language]));
      expect(problems[0]!.source_format, set.name).toBe(set.format);
      expect(set.evaluationOnly, set.name).toBe(set.name.startsWith('multipl-e-'));
    }
  });

  it('an unknown name is an error that lists the names', () => {
    expect(() => builtInSet('humaneval-y')).toThrow(/unknown problem set 'humaneval-y'; the built-in sets are humaneval, mbpp, /);
  });

  it('a run config picks one by name and holds out a share of it by a hash of the task id', () => {
    const config = runConfigSchema.parse({ problems: { set: 'humaneval', heldoutFraction: 0.25 } });
    const split = loadRunProblems(config.problems, 1);
    expect(split.map((s) => s.problem.task_id)).toEqual(loadBuiltInSet('humaneval').map((p) => p.task_id));
    const heldout = split.filter((s) => s.split === 'heldout').length;
    expect(heldout).toBeGreaterThan(164 * 0.15);
    expect(heldout).toBeLessThan(164 * 0.35);
    expect(loadRunProblems(config.problems, 1)).toEqual(split);
  });

  it('a run config refuses an unknown set, and a set with a path', () => {
    const bad = runConfigSchema.safeParse({ problems: { set: 'human-eval' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['problems', 'set']);
    const both = runConfigSchema.parse({ problems: { set: 'mbpp', path: 'mine.jsonl' } });
    expect(() => loadRunProblems(both.problems, 1)).toThrow("problems: give a set ('mbpp') or a path ('mine.jsonl'), not both");
  });
});
