import type { Elem, Expr } from './grammar';
import { pyCompare, pyRepr, type PyValue } from './python';

/** One element after the filters and maps: `pass` says whether the filters kept it. */
export interface Flowed {
  readonly key: string | null;
  readonly mapped: PyValue;
  readonly pass: boolean;
}

/** What a reduction's description is built from (see paraphrase.ts). */
export interface Phrasing {
  /** The whole element phrase: "the squares of the odd numbers in xs". */
  readonly e: string;
  /** The source phrase alone: "the numbers in xs". */
  readonly src: string;
  /** The filters as a verb phrase: "are odd and exceed 3" (empty without filters). */
  readonly vp: string;
  /** The maps as a participle phrase: "squared and then increased by 2" (empty without maps). */
  readonly post: string;
  readonly arg: string;
  /** The type of the mapped elements. */
  readonly out: Elem;
}

export interface RenderParts {
  readonly expr: Expr;
  readonly v: string;
  readonly iter: string;
  readonly cond: string | null;
  readonly arg: string;
  /** The type of the mapped elements (join's separator depends on it). */
  readonly out: Elem;
}

export interface Reduction {
  readonly id: string;
  /** Mapped element types it reduces. */
  readonly accepts: readonly Elem[];
  readonly needsFilter: boolean;
  readonly noMap: boolean;
  /** 'only': needs a dict source (iterates its items); 'never': cannot use one. */
  readonly dict: 'only' | 'also' | 'never';
  /** Python raises on an empty sequence (max, min): test inputs must keep at least one element. */
  readonly nonEmpty: boolean;
  readonly render: (r: RenderParts) => string;
  /** The result, or null where Python would raise. */
  readonly evaluate: (flow: readonly Flowed[], out: Elem) => PyValue | null;
  readonly phrases: (p: Phrasing) => readonly string[];
  readonly slug: string;
  readonly sibling?: string;
}

const gen = (r: RenderParts): string => `${r.expr.text} for ${r.v} in ${r.iter}${r.cond ? ` if ${r.cond}` : ''}`;
const kept = (flow: readonly Flowed[]): PyValue[] => flow.filter((f) => f.pass).map((f) => f.mapped);
const sortValues = (values: PyValue[]): PyValue[] => [...values].sort(pyCompare);
const isText = (out: Elem): boolean => out !== 'int';

export const reductions: readonly Reduction[] = [
  {
    id: 'sum', accepts: ['int'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: false, slug: 'sum',
    sibling: 'max',
    render: (r) => `sum(${gen(r)})`,
    evaluate: (flow) => kept(flow).reduce<number>((a, b) => a + (b as number), 0),
    phrases: (p) => [`Return the sum of ${p.e}.`, `Add up ${p.e} and return the total.`, `Compute the total of ${p.e}.`],
  },
  {
    id: 'max', accepts: ['int', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: true, slug: 'max',
    sibling: 'min',
    render: (r) => `max(${gen(r)})`,
    evaluate: (flow) => {
      const v = kept(flow);
      return v.length === 0 ? null : v.reduce((a, b) => (pyCompare(b, a) > 0 ? b : a));
    },
    phrases: (p) =>
      isText(p.out)
        ? [`Return the alphabetically last of ${p.e}.`, `Return whichever of ${p.e} comes last in sorted order.`]
        : [`Return the largest of ${p.e}.`, `Return the maximum of ${p.e}.`, `Find the biggest value among ${p.e}.`],
  },
  {
    id: 'min', accepts: ['int', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: true, slug: 'min',
    sibling: 'max',
    render: (r) => `min(${gen(r)})`,
    evaluate: (flow) => {
      const v = kept(flow);
      return v.length === 0 ? null : v.reduce((a, b) => (pyCompare(b, a) < 0 ? b : a));
    },
    phrases: (p) =>
      isText(p.out)
        ? [`Return the alphabetically first of ${p.e}.`, `Return whichever of ${p.e} comes first in sorted order.`]
        : [`Return the smallest of ${p.e}.`, `Return the minimum of ${p.e}.`, `Find the lowest value among ${p.e}.`],
  },
  {
    id: 'count', accepts: ['int', 'char', 'word'], needsFilter: true, noMap: true, dict: 'also', nonEmpty: false,
    slug: 'count',
    render: (r) => `len([${r.v} for ${r.v} in ${r.iter} if ${r.cond ?? 'True'}])`,
    evaluate: (flow) => flow.filter((f) => f.pass).length,
    phrases: (p) => [`Count ${p.e}.`, `Return how many of ${p.src} ${p.vp}.`, `Return the number of ${p.e}.`],
  },
  {
    id: 'list', accepts: ['int', 'char', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: false,
    slug: 'list', sibling: 'sorted',
    render: (r) => `[${gen(r)}]`,
    evaluate: (flow) => kept(flow),
    phrases: (p) => [`Return a list of ${p.e}.`, `Return ${p.e}, in their original order.`, `Collect ${p.e} into a list.`],
  },
  {
    id: 'sorted', accepts: ['int', 'char', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: false,
    slug: 'sorted', sibling: 'rsorted',
    render: (r) => `sorted(${gen(r)})`,
    evaluate: (flow) => sortValues(kept(flow)),
    phrases: (p) =>
      isText(p.out)
        ? [`Return ${p.e}, in alphabetical order.`, `Return a sorted list of ${p.e}.`]
        : [
            `Return ${p.e}, sorted in increasing order.`,
            `Return a sorted list of ${p.e}.`,
            `Sort ${p.e}, from smallest to largest.`,
          ],
  },
  {
    id: 'rsorted', accepts: ['int', 'char', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: false,
    slug: 'rsorted', sibling: 'sorted',
    render: (r) => `sorted([${gen(r)}], reverse=True)`,
    evaluate: (flow) => sortValues(kept(flow)).reverse(),
    phrases: (p) =>
      isText(p.out)
        ? [`Return ${p.e}, in reverse alphabetical order.`, `Return a list of ${p.e}, sorted from last to first.`]
        : [`Return ${p.e}, sorted in decreasing order.`, `Return a list of ${p.e}, from largest to smallest.`],
  },
  {
    id: 'unique', accepts: ['int', 'char', 'word'], needsFilter: false, noMap: false, dict: 'also', nonEmpty: false,
    slug: 'unique', sibling: 'sorted',
    render: (r) => `sorted(set(${gen(r)}))`,
    evaluate: (flow) => {
      const seen = new Map(kept(flow).map((v) => [pyRepr(v), v]));
      return sortValues([...seen.values()]);
    },
    phrases: (p) => [
      `Return the distinct values among ${p.e}, sorted.`,
      `Return a sorted list of the unique values of ${p.e}.`,
    ],
  },
  {
    id: 'join', accepts: ['char', 'word'], needsFilter: false, noMap: false, dict: 'never', nonEmpty: false,
    slug: 'joined',
    render: (r) => `'${r.out === 'word' ? ' ' : ''}'.join(${gen(r)})`,
    evaluate: (flow, out) => kept(flow).join(out === 'word' ? ' ' : ''),
    phrases: (p) =>
      p.out === 'word'
        ? [`Return ${p.e}, joined with single spaces.`, `Join ${p.e} with spaces and return the result.`]
        : [`Join ${p.e} into one string.`, `Return the string made of ${p.e}, in order.`],
  },
  {
    id: 'any', accepts: ['int', 'char', 'word'], needsFilter: true, noMap: true, dict: 'also', nonEmpty: false,
    slug: 'any', sibling: 'all',
    render: (r) => `any(${r.cond ?? 'True'} for ${r.v} in ${r.iter})`,
    evaluate: (flow) => flow.some((f) => f.pass),
    phrases: (p) => [
      `Return whether any of ${p.src} ${p.vp}.`,
      `Return True if at least one of ${p.src} ${p.vp}, else False.`,
    ],
  },
  {
    id: 'all', accepts: ['int', 'char', 'word'], needsFilter: true, noMap: true, dict: 'also', nonEmpty: false,
    slug: 'all', sibling: 'any',
    render: (r) => `all(${r.cond ?? 'True'} for ${r.v} in ${r.iter})`,
    evaluate: (flow) => flow.every((f) => f.pass),
    phrases: (p) => [`Return whether all of ${p.src} ${p.vp}.`, `Return True if all of ${p.src} ${p.vp}, else False.`],
  },
  {
    id: 'keys', accepts: ['int'], needsFilter: true, noMap: true, dict: 'only', nonEmpty: false, slug: 'keys',
    render: (r) => `[k for k, ${r.v} in ${r.arg}.items() if ${r.cond ?? 'True'}]`,
    evaluate: (flow) => flow.filter((f) => f.pass).map((f) => f.key ?? ''),
    phrases: (p) => [
      `Return the keys of ${p.arg} whose values ${p.vp}.`,
      `List the keys in ${p.arg} with values that ${p.vp}.`,
    ],
  },
  {
    id: 'dict', accepts: ['int'], needsFilter: false, noMap: false, dict: 'only', nonEmpty: false, slug: 'dict',
    render: (r) => `{k: ${r.expr.text} for k, ${r.v} in ${r.arg}.items()${r.cond ? ` if ${r.cond}` : ''}}`,
    evaluate: (flow) => new Map(flow.filter((f) => f.pass).map((f) => [f.key ?? '', f.mapped] as const)),
    phrases: (p) =>
      p.vp && p.post
        ? [`Return a dictionary of the entries of ${p.arg} whose values ${p.vp}, with each value ${p.post}.`]
        : p.vp
          ? [
              `Return a dictionary of the entries of ${p.arg} whose values ${p.vp}.`,
              `Keep only the entries of ${p.arg} whose values ${p.vp}, as a new dictionary.`,
            ]
          : [
              `Return a new dictionary with the keys of ${p.arg} and each value ${p.post}.`,
              `Return a copy of ${p.arg} with every value ${p.post}.`,
            ],
  },
];

export const reductionById = new Map(reductions.map((r) => [r.id, r]));
