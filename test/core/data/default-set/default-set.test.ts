import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleProgram, loadProblems } from '../../../../core/data';
import { DEFAULT_SEED, generateDefaultSet, splitOf, type DefaultSet } from '../../../../core/data/default-set';
import { parts, renderBody } from '../../../../core/data/default-set/spec';
import { runPython } from './run-python';

const committed = 'resources/default-set/problems.jsonl';
const committedManifest = 'resources/default-set/manifest.json';

describe('embedded default problem set', () => {
  let set: DefaultSet;
  beforeAll(() => {
    set = generateDefaultSet();
  });

  it('regenerates the committed files byte for byte from the default seed', () => {
    expect(set.jsonl === readFileSync(committed, 'utf8')).toBe(true);
    expect(set.manifest).toBe(readFileSync(committedManifest, 'utf8'));
    const manifest = JSON.parse(set.manifest) as { seed: number; problems: number; splits: Record<string, number> };
    expect(manifest.seed).toBe(DEFAULT_SEED);
    expect(manifest.problems).toBe(set.problems.length);
    expect(manifest.splits.train! + manifest.splits.heldout!).toBe(set.problems.length);
  });

  it('is the normalized format: the loader reads it back unchanged', () => {
    const loaded = loadProblems(committed);
    expect(loaded.length).toBeGreaterThanOrEqual(2000);
    expect(loaded.map((p) => p.task_id)).toEqual(set.problems.map((p) => p.problem.task_id));
    for (const [i, p] of loaded.entries()) {
      expect(p.source_format).toBe('normalized');
      expect(p.prompt).toBe(set.problems[i]!.problem.prompt);
      expect(p.suffix.match(/^assert /gm)).toHaveLength(4);
    }
  });

  it('depends on the seed', () => {
    const other = generateDefaultSet({ seed: DEFAULT_SEED + 1, count: 50 });
    expect(other.jsonl).not.toBe(set.jsonl.split('\n').slice(0, 50).join('\n') + '\n');
    expect(generateDefaultSet({ seed: DEFAULT_SEED + 1, count: 50 }).jsonl).toBe(other.jsonl);
  });

  it('every reference passes its asserts and every recorded wrong variant fails one (python3)', () => {
    const programs: string[] = [];
    const expected: { id: string; pass: boolean; body: string }[] = [];
    for (const { problem, caught } of set.problems) {
      programs.push(assembleProgram(problem, problem.canonical_solution ?? ''));
      expected.push({ id: problem.task_id, pass: true, body: problem.canonical_solution ?? '' });
      for (const wrong of caught) {
        programs.push(assembleProgram(problem, wrong.body));
        expected.push({ id: problem.task_id, pass: false, body: wrong.body });
      }
    }
    const passed = runPython(programs);
    expect(passed).toHaveLength(programs.length);
    const mismatches = expected
      .filter((e, i) => passed[i] !== e.pass)
      .map((e) => `${e.id} ${e.pass ? 'reference' : 'variant'}: ${e.body.trim()}`);
    expect(mismatches).toEqual([]);
    // The asserts discriminate: every problem catches at least one wrong variant, and every changed constant.
    expect(set.problems.filter((p) => p.caught.length === 0).map((p) => p.problem.task_id)).toEqual([]);
    const constants = set.problems.reduce((n, p) => n + p.caught.filter((c) => c.kind === 'constant').length, 0);
    expect(constants).toBeGreaterThan(1000);
  });

  it('holds out whole combinations, each made of parts seen in training', () => {
    const train = set.problems.filter((p) => p.split === 'train');
    const heldout = set.problems.filter((p) => p.split === 'heldout');
    expect(heldout.length).toBeGreaterThanOrEqual(set.problems.length * 0.09);
    expect(set.problems.filter((p) => splitOf(p.problem.task_id) !== p.split)).toEqual([]);
    expect(splitOf('HumanEval/0')).toBeNull();
    const trainCombinations = new Set(train.map((p) => p.combination));
    expect(heldout.filter((p) => trainCombinations.has(p.combination)).map((p) => p.problem.task_id)).toEqual([]);
    const trainParts = new Set(train.flatMap((p) => parts(p.spec)));
    expect(heldout.flatMap((p) => parts(p.spec)).filter((part) => !trainParts.has(part))).toEqual([]);
  });

  it('has no duplicate problems', () => {
    const ids = set.problems.map((p) => p.problem.task_id);
    expect(new Set(ids).size).toBe(ids.length);
    const prompts = set.problems.map((p) => p.problem.prompt);
    expect(new Set(prompts).size).toBe(prompts.length);
    // The same program under another argument name is the same problem.
    const programs = set.problems.map((p) => `${p.spec.source}|${renderBody({ ...p.spec, arg: '_' })}`);
    expect(new Set(programs).size).toBe(programs.length);
  });

  it('keeps prompts and solutions small enough for a tiny model', () => {
    for (const { problem } of set.problems) {
      const doc = /"""(.*)"""/.exec(problem.prompt)?.[1] ?? '';
      const words = doc.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(5);
      expect(words).toBeLessThanOrEqual(40);
      expect(problem.canonical_solution!.split('\n')).toHaveLength(2);
      expect(problem.canonical_solution!.length).toBeLessThanOrEqual(120);
    }
  });
});
