import { createHash } from 'node:crypto';
import { makeProblem, type Problem } from '../problem';
import { describe, functionName } from './paraphrase';
import { pyRepr } from './python';
import { Rng } from './rng';
import { sampleSpec } from './sample';
import { combination, parts, renderBody, type Spec } from './spec';
import { heldOutCombinations } from './split';
import { chooseTests } from './tests';

/** Bump when the output for a given seed changes, so a committed set says which generator made it. */
export const GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 5;
export const DEFAULT_COUNT = 2400;
export const HELDOUT_FRACTION = 0.1;
export const ASSERTS_PER_PROBLEM = 4;

export type Split = 'train' | 'heldout';

/** Which split a default-set problem belongs to, read from its task id ("train/0042", "heldout/0007"). */
export function splitOf(taskId: string): Split | null {
  const prefix = taskId.slice(0, taskId.indexOf('/'));
  return prefix === 'train' || prefix === 'heldout' ? prefix : null;
}

export interface GeneratedProblem {
  readonly problem: Problem;
  readonly spec: Spec;
  readonly combination: string;
  readonly split: Split;
  /** Wrong reference bodies that the problem's asserts catch (what the tests check against python3). */
  readonly caught: readonly { readonly kind: 'constant' | 'structure'; readonly body: string }[];
}

export interface DefaultSet {
  readonly problems: readonly GeneratedProblem[];
  /** problems.jsonl: one normalized problem per line (core/data/README.md). */
  readonly jsonl: string;
  /** manifest.json: how the file was made and what is in it. */
  readonly manifest: string;
}

export interface GenerateOptions {
  readonly seed?: number;
  readonly count?: number;
}

/** Generates the embedded default problem set; the same seed gives the same bytes. */
export function generateDefaultSet(options: GenerateOptions = {}): DefaultSet {
  const seed = options.seed ?? DEFAULT_SEED;
  const count = options.count ?? DEFAULT_COUNT;
  const rng = new Rng(seed);
  const drafts: Omit<GeneratedProblem, 'problem' | 'split'>[] = [];
  const bodies: { prompt: string; body: string; suffix: string }[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; drafts.length < count; attempt++) {
    if (attempt > count * 100) {
      throw new Error(`default set: only ${drafts.length} of ${count} problems after ${attempt} draws`);
    }
    const spec = sampleSpec(rng);
    if (spec === null) continue;
    // Two problems are the same when their programs are, whatever the argument is called.
    const identity = `${spec.source}|${renderBody({ ...spec, arg: '_' })}`;
    if (seen.has(identity)) continue;
    const tests = chooseTests(spec, rng, ASSERTS_PER_PROBLEM);
    if (tests === null) continue;
    seen.add(identity);
    const name = functionName(spec);
    const prompt = `def ${name}(${spec.arg}):\n    """${describe(spec, rng)}"""\n`;
    const asserts = tests.inputs.map((input, i) => `assert ${name}(${pyRepr(input)}) == ${pyRepr(tests.outputs[i]!)}`);
    bodies.push({ prompt, body: renderBody(spec), suffix: `\n${asserts.join('\n')}\n` });
    drafts.push({
      spec,
      combination: combination(spec),
      caught: tests.caught.map((v) => ({ kind: v.kind, body: renderBody(v.spec) })),
    });
  }

  const held = heldOutCombinations(
    drafts.map((d) => ({ combination: d.combination, parts: parts(d.spec) })),
    rng,
    HELDOUT_FRACTION,
  );
  const numbers = { train: 0, heldout: 0 };
  const lines: string[] = [];
  const problems = drafts.map((d, i): GeneratedProblem => {
    const split: Split = held.has(d.combination) ? 'heldout' : 'train';
    numbers[split] += 1;
    const { prompt, body, suffix } = bodies[i]!;
    // Only the fields these problems use, in a fixed order: the committed bytes must not change when the normalized
    // format gains a field with a default.
    const record = {
      task_id: `${split}/${String(numbers[split]).padStart(4, '0')}`,
      language: 'python' as const,
      prompt,
      prefix: prompt,
      suffix,
      canonical_solution: body,
    };
    lines.push(JSON.stringify(record));
    const problem = makeProblem(record);
    return { ...d, problem, split };
  });

  const jsonl = lines.join('\n') + '\n';
  const combos = (s: Split) => new Set(problems.filter((p) => p.split === s).map((p) => p.combination)).size;
  const manifest = {
    name: 'rewardranker-default-set',
    generator: 'core/data/default-set',
    generator_version: GENERATOR_VERSION,
    seed,
    problems: problems.length,
    asserts_per_problem: ASSERTS_PER_PROBLEM,
    splits: { train: numbers.train, heldout: numbers.heldout },
    combinations: { train: combos('train'), heldout: combos('heldout') },
    split_rule:
      'task_id "heldout/NNNN": whole combinations (filters x maps x reduction, ignoring constants, source and wording) ' +
      `held out in seeded random order up to ${HELDOUT_FRACTION} of the problems, each made only of parts that also ` +
      'occur in training; "train/NNNN": the rest',
    files: { problems: 'problems.jsonl' },
    problems_sha256: createHash('sha256').update(jsonl).digest('hex'),
  };
  return { problems, jsonl, manifest: JSON.stringify(manifest, null, 2) + '\n' };
}
