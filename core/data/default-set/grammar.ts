import { pyFloorDiv, pyMod, type PyValue } from './python';
import type { Rng } from './rng';

/**
 * The compositional grammar of the default set (README.md beside this file): a problem is a source of elements,
 * up to two filters, up to two maps and one reduction. Every part carries its Python text, its semantics in
 * TypeScript (so expected outputs and wrong variants are computed here), and the English phrases that describe it.
 */

/** The type of one element flowing through the pipeline. */
export type Elem = 'int' | 'char' | 'word';
/** A part's constant: a number, a character, or nothing. */
export type Param = number | string | null;

/** A Python expression with its precedence, so composed maps get parentheses only where Python needs them. */
export interface Expr {
  readonly text: string;
  /** 1 additive, 2 multiplicative, 3 unary minus, 4 power, 5 atom (name, call, subscript). */
  readonly prec: number;
}
const wrap = (e: Expr, min: number): string => (e.prec < min ? `(${e.text})` : e.text);

export interface Source {
  readonly id: string;
  readonly elem: Elem;
  /** Names the argument may take (surface variety). */
  readonly args: readonly string[];
  /** The loop variable. */
  readonly v: string;
  readonly iter: (arg: string) => string;
  /** "the <adjective> <head> <tail>", e.g. head "numbers", tail "in xs". */
  readonly nouns: (arg: string) => readonly (readonly [string, string])[];
  /** Range of int elements, which bounds the constants of int filters. */
  readonly lo: number;
  readonly hi: number;
  readonly negative: boolean;
  readonly dict: boolean;
  readonly input: (rng: Rng) => PyValue;
  readonly items: (input: PyValue) => { key: string | null; value: PyValue }[];
}

export interface Filter {
  readonly id: string;
  /** At most one filter of a family per problem (odd and even together would be empty). */
  readonly family: string;
  readonly elem: Elem;
  readonly choose: (rng: Rng, src: Source) => Param;
  readonly py: (v: string, p: Param) => string;
  readonly test: (e: PyValue, p: Param) => boolean;
  /** Verb phrases for a plural subject: "are odd", "exceed 3". */
  readonly vp: (p: Param) => readonly string[];
  readonly adj?: string;
  readonly slug: (p: Param) => string;
  /** The same filter with a wrong constant. */
  readonly tweak: (p: Param) => Param[];
  /** A similar but wrong filter taking the same constant. */
  readonly sibling?: string;
  readonly negativeOnly?: boolean;
}

export interface MapOp {
  readonly id: string;
  readonly from: Elem;
  readonly to: Elem;
  /** Case maps: at most one per problem (upper then lower is silly). */
  readonly family: string;
  readonly choose: (rng: Rng) => Param;
  readonly py: (inner: Expr, p: Param) => Expr;
  readonly apply: (e: PyValue, p: Param) => PyValue;
  /** "squared", "increased by 3": read after "each". */
  readonly post: (p: Param) => readonly string[];
  /** "the squares of": read before the element phrase. */
  readonly pre?: (p: Param) => readonly string[];
  readonly slug: (p: Param) => string;
  readonly tweak: (p: Param) => Param[];
  readonly sibling?: string;
  readonly negativeOnly?: boolean;
}

const num = (p: Param): number => {
  if (typeof p !== 'number') throw new Error(`expected a number constant, got ${String(p)}`);
  return p;
};
const chr = (p: Param): string => {
  if (typeof p !== 'string') throw new Error(`expected a character constant, got ${String(p)}`);
  return p;
};
const int = (e: PyValue): number => num(e as Param);
const str = (e: PyValue): string => chr(e as Param);
const neighbours = (k: number, min: number): number[] => [k - 1, k + 1].filter((x) => x >= min);
const nextLetter = (c: string): string[] => [c === 'z' ? 'y' : String.fromCharCode(c.charCodeAt(0) + 1)];

// ---- sources ----

const keyPool = ['a', 'b', 'c', 'x', 'y', 'z', 'ann', 'bob', 'cat', 'dog', 'red', 'tea', 'sun', 'fig', 'kiwi', 'lime'];
const lexicon = [
  'apple', 'ant', 'art', 'bat', 'bee', 'bus', 'cat', 'cup', 'code', 'dog', 'data', 'egg', 'east', 'fish', 'gas',
  'hat', 'ice', 'jam', 'kit', 'lamp', 'map', 'nest', 'oak', 'pen', 'pass', 'rest', 'sun', 'stars', 'tea', 'top',
  'tips', 'up', 'van', 'web', 'yes', 'zoo', 'salt', 'pots', 'banana', 'cactus', 'atlas', 'tennis', 'pasta', 'bus',
];
const charPool = 'abcdeiostxyzAEIOBCSTX0123456789';

function intList(rng: Rng, lo: number, hi: number): number[] {
  return Array.from({ length: rng.int(5, 9) }, () => rng.int(lo, hi));
}

export const sources: readonly Source[] = [
  {
    id: 'list',
    elem: 'int',
    args: ['xs', 'nums', 'values', 'numbers', 'lst', 'arr'],
    v: 'x',
    iter: (a) => a,
    nouns: (a) => [['numbers', `in ${a}`], ['elements', `of ${a}`], ['values', `in the list ${a}`], ['integers', `in ${a}`]],
    lo: -6,
    hi: 20,
    negative: true,
    dict: false,
    input: (rng) => intList(rng, -6, 20),
    items: (input) => (input as number[]).map((value) => ({ key: null, value })),
  },
  {
    id: 'range1',
    elem: 'int',
    args: ['n', 'm', 'limit', 'top'],
    v: 'x',
    iter: (a) => `range(1, ${a} + 1)`,
    nouns: (a) => [
      ['integers', `from 1 to ${a}`],
      ['numbers', `from 1 through ${a}`],
      ['whole numbers', `between 1 and ${a} inclusive`],
    ],
    lo: 1,
    hi: 20,
    negative: false,
    dict: false,
    input: (rng) => rng.int(3, 20),
    items: (input) => Array.from({ length: int(input) }, (_, i) => ({ key: null, value: i + 1 })),
  },
  {
    id: 'range0',
    elem: 'int',
    args: ['n', 'm', 'limit', 'count'],
    v: 'i',
    iter: (a) => `range(${a})`,
    nouns: (a) => [
      ['integers', `from 0 up to but not including ${a}`],
      ['non-negative integers', `below ${a}`],
      ['numbers', `in range(${a})`],
    ],
    lo: 0,
    hi: 19,
    negative: false,
    dict: false,
    input: (rng) => rng.int(3, 20),
    items: (input) => Array.from({ length: int(input) }, (_, i) => ({ key: null, value: i })),
  },
  {
    id: 'digits',
    elem: 'int',
    args: ['n', 'num', 'k'],
    v: 'd',
    iter: (a) => `map(int, str(${a}))`,
    nouns: (a) => [['digits', `of ${a}`], ['decimal digits', `of ${a}`], ['digits', `in the number ${a}`]],
    lo: 0,
    hi: 9,
    negative: false,
    dict: false,
    input: (rng) => {
      const digits = [rng.int(1, 9), ...Array.from({ length: rng.int(3, 7) }, () => rng.int(0, 9))];
      return Number(digits.join(''));
    },
    items: (input) => [...String(int(input))].map((d) => ({ key: null, value: Number(d) })),
  },
  {
    id: 'dict',
    elem: 'int',
    args: ['d', 'counts', 'scores', 'prices', 'ages', 'stock'],
    v: 'v',
    iter: (a) => `${a}.values()`,
    nouns: (a) => [['values', `in ${a}`], ['values', `of the dictionary ${a}`], ['values', `stored in ${a}`]],
    lo: -5,
    hi: 15,
    negative: true,
    dict: true,
    input: (rng) => {
      const keys = rng.shuffle(keyPool).slice(0, rng.int(3, 6));
      return new Map(keys.map((k) => [k, rng.int(-5, 15)] as const));
    },
    items: (input) => [...(input as Map<string, PyValue>)].map(([key, value]) => ({ key, value })),
  },
  {
    id: 'chars',
    elem: 'char',
    args: ['s', 'text', 'word', 'code'],
    v: 'c',
    iter: (a) => a,
    nouns: (a) => [['characters', `of ${a}`], ['characters', `in the string ${a}`], ['characters', `in ${a}`]],
    lo: 0,
    hi: 0,
    negative: false,
    dict: false,
    input: (rng) => Array.from({ length: rng.int(5, 12) }, () => rng.pick([...charPool])).join(''),
    items: (input) => [...str(input)].map((value) => ({ key: null, value })),
  },
  {
    id: 'words',
    elem: 'word',
    args: ['s', 'text', 'line', 'phrase'],
    v: 'w',
    iter: (a) => `${a}.split()`,
    nouns: (a) => [['words', `in ${a}`], ['words', `of the sentence ${a}`], ['space-separated words', `in ${a}`]],
    lo: 0,
    hi: 0,
    negative: false,
    dict: false,
    input: (rng) =>
      Array.from({ length: rng.int(3, 6) }, () => {
        const w = rng.pick(lexicon);
        return rng.chance(0.25) ? w[0]!.toUpperCase() + w.slice(1) : w;
      }).join(' '),
    items: (input) => str(input).split(' ').map((value) => ({ key: null, value })),
  },
];

// ---- filters ----

/** A constant for comparisons that splits the source's range somewhere inside it. */
const inside = (rng: Rng, src: Source, lo: number, hi: number): number =>
  rng.int(Math.max(src.lo + lo, -3), Math.min(src.hi - hi, 12));

const isUpper = (c: string): boolean => /^[A-Z]$/.test(c);
const isLower = (c: string): boolean => /^[a-z]$/.test(c);

export const filters: readonly Filter[] = [
  {
    id: 'even', family: 'parity', elem: 'int', sibling: 'odd', adj: 'even',
    choose: () => null, py: (v) => `${v} % 2 == 0`, test: (e) => pyMod(int(e), 2) === 0,
    vp: () => ['are even'], slug: () => 'even', tweak: () => [],
  },
  {
    id: 'odd', family: 'parity', elem: 'int', sibling: 'even', adj: 'odd',
    choose: () => null, py: (v) => `${v} % 2 == 1`, test: (e) => pyMod(int(e), 2) === 1,
    vp: () => ['are odd'], slug: () => 'odd', tweak: () => [],
  },
  {
    id: 'gt', family: 'above', elem: 'int', sibling: 'lt',
    choose: (rng, src) => inside(rng, src, 1, 2), py: (v, p) => `${v} > ${num(p)}`, test: (e, p) => int(e) > num(p),
    vp: (p) => [`are greater than ${num(p)}`, `exceed ${num(p)}`, `are above ${num(p)}`],
    slug: (p) => `over${num(p)}`.replace('-', 'm'), tweak: (p) => neighbours(num(p), -99),
  },
  {
    id: 'lt', family: 'below', elem: 'int', sibling: 'gt',
    choose: (rng, src) => inside(rng, src, 2, 1), py: (v, p) => `${v} < ${num(p)}`, test: (e, p) => int(e) < num(p),
    vp: (p) => [`are less than ${num(p)}`, `are below ${num(p)}`, `are smaller than ${num(p)}`],
    slug: (p) => `under${num(p)}`.replace('-', 'm'), tweak: (p) => neighbours(num(p), -99),
  },
  {
    id: 'div', family: 'divisor', elem: 'int', sibling: 'notdiv',
    choose: (rng) => rng.int(3, 6), py: (v, p) => `${v} % ${num(p)} == 0`, test: (e, p) => pyMod(int(e), num(p)) === 0,
    vp: (p) => [`are divisible by ${num(p)}`, `are multiples of ${num(p)}`],
    slug: (p) => `div${num(p)}`, tweak: (p) => neighbours(num(p), 2),
  },
  {
    id: 'notdiv', family: 'divisor', elem: 'int', sibling: 'div',
    choose: (rng) => rng.int(3, 5), py: (v, p) => `${v} % ${num(p)} != 0`, test: (e, p) => pyMod(int(e), num(p)) !== 0,
    vp: (p) => [`are not divisible by ${num(p)}`, `are not multiples of ${num(p)}`],
    slug: (p) => `nondiv${num(p)}`, tweak: (p) => neighbours(num(p), 2),
  },
  {
    id: 'ne', family: 'equal', elem: 'int',
    choose: (rng, src) => rng.int(Math.max(src.lo, 0), Math.min(src.hi, 9)), py: (v, p) => `${v} != ${num(p)}`,
    test: (e, p) => int(e) !== num(p), vp: (p) => [`are not equal to ${num(p)}`, `differ from ${num(p)}`],
    slug: (p) => `not${num(p)}`, tweak: (p) => neighbours(num(p), -99),
  },
  {
    id: 'pos', family: 'sign', elem: 'int', sibling: 'neg', adj: 'positive', negativeOnly: true,
    choose: () => null, py: (v) => `${v} > 0`, test: (e) => int(e) > 0,
    vp: () => ['are positive', 'are greater than zero'], slug: () => 'pos', tweak: () => [],
  },
  {
    id: 'neg', family: 'sign', elem: 'int', sibling: 'pos', adj: 'negative', negativeOnly: true,
    choose: () => null, py: (v) => `${v} < 0`, test: (e) => int(e) < 0,
    vp: () => ['are negative', 'are below zero'], slug: () => 'neg', tweak: () => [],
  },
  {
    id: 'upper', family: 'case', elem: 'char', sibling: 'lower', adj: 'uppercase',
    choose: () => null, py: (v) => `${v}.isupper()`, test: (e) => isUpper(str(e)),
    vp: () => ['are uppercase', 'are uppercase letters'], slug: () => 'upper', tweak: () => [],
  },
  {
    id: 'lower', family: 'case', elem: 'char', sibling: 'upper', adj: 'lowercase',
    choose: () => null, py: (v) => `${v}.islower()`, test: (e) => isLower(str(e)),
    vp: () => ['are lowercase', 'are lowercase letters'], slug: () => 'lower', tweak: () => [],
  },
  {
    id: 'digit', family: 'kind', elem: 'char', sibling: 'alpha', adj: 'digit',
    choose: () => null, py: (v) => `${v}.isdigit()`, test: (e) => /^[0-9]$/.test(str(e)),
    vp: () => ['are digits'], slug: () => 'digits', tweak: () => [],
  },
  {
    id: 'alpha', family: 'kind', elem: 'char', sibling: 'digit', adj: 'alphabetic',
    choose: () => null, py: (v) => `${v}.isalpha()`, test: (e) => /^[A-Za-z]$/.test(str(e)),
    vp: () => ['are letters'], slug: () => 'letters', tweak: () => [],
  },
  {
    id: 'vowel', family: 'vowel', elem: 'char', sibling: 'alpha',
    choose: () => null, py: (v) => `${v}.lower() in 'aeiou'`, test: (e) => 'aeiou'.includes(str(e).toLowerCase()),
    vp: () => ['are vowels'], slug: () => 'vowels', tweak: () => [],
  },
  {
    id: 'notch', family: 'equal', elem: 'char',
    choose: (rng) => rng.pick(['a', 'b', 'e', 'o', 's', 'x']), py: (v, p) => `${v} != '${chr(p)}'`,
    test: (e, p) => str(e) !== chr(p), vp: (p) => [`are not '${chr(p)}'`, `differ from '${chr(p)}'`],
    slug: (p) => `not_${chr(p)}`, tweak: (p) => nextLetter(chr(p)),
  },
  {
    id: 'longer', family: 'long', elem: 'word', sibling: 'shorter',
    choose: (rng) => rng.int(2, 4), py: (v, p) => `len(${v}) > ${num(p)}`, test: (e, p) => str(e).length > num(p),
    vp: (p) => [`are longer than ${num(p)} characters`, `have more than ${num(p)} letters`],
    slug: (p) => `longer${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'shorter', family: 'short', elem: 'word', sibling: 'longer',
    choose: (rng) => rng.int(4, 6), py: (v, p) => `len(${v}) < ${num(p)}`, test: (e, p) => str(e).length < num(p),
    vp: (p) => [`are shorter than ${num(p)} characters`, `have fewer than ${num(p)} letters`],
    slug: (p) => `shorter${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'starts', family: 'edge', elem: 'word', sibling: 'ends',
    choose: (rng) => rng.pick(['a', 'b', 'c', 'p', 's', 't']), py: (v, p) => `${v}.startswith('${chr(p)}')`,
    test: (e, p) => str(e).startsWith(chr(p)), vp: (p) => [`start with '${chr(p)}'`, `begin with '${chr(p)}'`],
    slug: (p) => `from_${chr(p)}`, tweak: (p) => nextLetter(chr(p)),
  },
  {
    id: 'ends', family: 'edge', elem: 'word', sibling: 'starts',
    choose: (rng) => rng.pick(['a', 'e', 's', 't', 'p']), py: (v, p) => `${v}.endswith('${chr(p)}')`,
    test: (e, p) => str(e).endsWith(chr(p)), vp: (p) => [`end with '${chr(p)}'`, `finish with '${chr(p)}'`],
    slug: (p) => `to_${chr(p)}`, tweak: (p) => nextLetter(chr(p)),
  },
  {
    id: 'capital', family: 'case', elem: 'word', sibling: 'lowerw', adj: 'capitalized',
    choose: () => null, py: (v) => `${v}[0].isupper()`, test: (e) => isUpper(str(e)[0] ?? ''),
    vp: () => ['start with an uppercase letter', 'are capitalized'], slug: () => 'capital', tweak: () => [],
  },
  {
    id: 'lowerw', family: 'case', elem: 'word', sibling: 'capital', adj: 'all-lowercase',
    choose: () => null, py: (v) => `${v}.islower()`, test: (e) => str(e) === str(e).toLowerCase() && /[a-z]/.test(str(e)),
    vp: () => ['are all lowercase', 'have no uppercase letters'], slug: () => 'lowercase', tweak: () => [],
  },
  {
    id: 'lenis', family: 'long', elem: 'word',
    choose: (rng) => rng.int(3, 5), py: (v, p) => `len(${v}) == ${num(p)}`, test: (e, p) => str(e).length === num(p),
    vp: (p) => [`have exactly ${num(p)} letters`, `are ${num(p)} characters long`],
    slug: (p) => `len${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
];

// ---- maps ----

const times = (k: number): string[] =>
  k === 2 ? ['doubled', 'multiplied by 2'] : k === 3 ? ['tripled', 'multiplied by 3'] : [`multiplied by ${k}`, `times ${k}`];

export const maps: readonly MapOp[] = [
  {
    id: 'mul', from: 'int', to: 'int', family: 'mul', sibling: 'add',
    choose: (rng) => rng.int(2, 5), py: (x, p) => ({ text: `${wrap(x, 2)} * ${num(p)}`, prec: 2 }),
    apply: (e, p) => int(e) * num(p), post: (p) => times(num(p)), slug: (p) => `x${num(p)}`,
    tweak: (p) => neighbours(num(p), 2),
  },
  {
    id: 'add', from: 'int', to: 'int', family: 'add', sibling: 'sub',
    choose: (rng) => rng.int(1, 9), py: (x, p) => ({ text: `${wrap(x, 1)} + ${num(p)}`, prec: 1 }),
    apply: (e, p) => int(e) + num(p), post: (p) => [`increased by ${num(p)}`, `plus ${num(p)}`],
    slug: (p) => `plus${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'sub', from: 'int', to: 'int', family: 'add', sibling: 'add',
    choose: (rng) => rng.int(1, 9), py: (x, p) => ({ text: `${wrap(x, 1)} - ${num(p)}`, prec: 1 }),
    apply: (e, p) => int(e) - num(p), post: (p) => [`decreased by ${num(p)}`, `minus ${num(p)}`],
    slug: (p) => `minus${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'square', from: 'int', to: 'int', family: 'power', sibling: 'double',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)} ** 2`, prec: 4 }),
    apply: (e) => int(e) * int(e), post: () => ['squared'], pre: () => ['the squares of'], slug: () => 'squared',
    tweak: () => [],
  },
  {
    // Only a sibling of square (the wrong variant "x * 2" for "x ** 2"); never chosen on its own (mul covers it).
    id: 'double', from: 'int', to: 'int', family: 'mul',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 2)} * 2`, prec: 2 }),
    apply: (e) => int(e) * 2, post: () => ['doubled'], slug: () => 'doubled', tweak: () => [],
  },
  {
    id: 'mod', from: 'int', to: 'int', family: 'mod', sibling: 'fdiv',
    choose: (rng) => rng.int(3, 9), py: (x, p) => ({ text: `${wrap(x, 2)} % ${num(p)}`, prec: 2 }),
    apply: (e, p) => pyMod(int(e), num(p)), post: (p) => [`taken modulo ${num(p)}`, `reduced modulo ${num(p)}`],
    pre: (p) => [`the remainders modulo ${num(p)} of`], slug: (p) => `mod${num(p)}`, tweak: (p) => neighbours(num(p), 2),
  },
  {
    id: 'fdiv', from: 'int', to: 'int', family: 'mod', sibling: 'mod',
    choose: (rng) => rng.int(2, 5), py: (x, p) => ({ text: `${wrap(x, 2)} // ${num(p)}`, prec: 2 }),
    apply: (e, p) => pyFloorDiv(int(e), num(p)),
    post: (p) => [`divided by ${num(p)} and rounded down`, `floor-divided by ${num(p)}`],
    slug: (p) => `fdiv${num(p)}`, tweak: (p) => neighbours(num(p), 2),
  },
  {
    id: 'negate', from: 'int', to: 'int', family: 'sign',
    choose: () => null, py: (x) => ({ text: `-${wrap(x, 3)}`, prec: 3 }),
    apply: (e) => -int(e) || 0, post: () => ['negated', 'with its sign flipped'], slug: () => 'negated',
    tweak: () => [],
  },
  {
    id: 'abs', from: 'int', to: 'int', family: 'sign', negativeOnly: true,
    choose: () => null, py: (x) => ({ text: `abs(${x.text})`, prec: 5 }),
    apply: (e) => Math.abs(int(e)), post: () => ['made non-negative', 'in absolute value'],
    pre: () => ['the absolute values of'], slug: () => 'abs', tweak: () => [],
  },
  {
    id: 'cupper', from: 'char', to: 'char', family: 'case', sibling: 'clower',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}.upper()`, prec: 5 }),
    apply: (e) => str(e).toUpperCase(), post: () => ['in uppercase', 'converted to uppercase'], slug: () => 'upper',
    tweak: () => [],
  },
  {
    id: 'clower', from: 'char', to: 'char', family: 'case', sibling: 'cupper',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}.lower()`, prec: 5 }),
    apply: (e) => str(e).toLowerCase(), post: () => ['in lowercase', 'converted to lowercase'], slug: () => 'lower',
    tweak: () => [],
  },
  {
    id: 'swap', from: 'char', to: 'char', family: 'case', sibling: 'cupper',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}.swapcase()`, prec: 5 }),
    apply: (e) => {
      const c = str(e);
      return isUpper(c) ? c.toLowerCase() : c.toUpperCase();
    },
    post: () => ['with its case swapped'], slug: () => 'swapped', tweak: () => [],
  },
  {
    id: 'wupper', from: 'word', to: 'word', family: 'case', sibling: 'wcap',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}.upper()`, prec: 5 }),
    apply: (e) => str(e).toUpperCase(), post: () => ['in uppercase', 'converted to uppercase'], slug: () => 'upper',
    tweak: () => [],
  },
  {
    id: 'wcap', from: 'word', to: 'word', family: 'case', sibling: 'wupper',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}.capitalize()`, prec: 5 }),
    apply: (e) => str(e).charAt(0).toUpperCase() + str(e).slice(1).toLowerCase(), post: () => ['capitalized'],
    slug: () => 'capitalized', tweak: () => [],
  },
  {
    id: 'reverse', from: 'word', to: 'word', family: 'order',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}[::-1]`, prec: 5 }),
    apply: (e) => [...str(e)].reverse().join(''), post: () => ['reversed', 'spelled backwards'], slug: () => 'reversed',
    tweak: () => [],
  },
  {
    id: 'head', from: 'word', to: 'word', family: 'cut', sibling: 'tail',
    choose: (rng) => rng.int(2, 3), py: (x, p) => ({ text: `${wrap(x, 5)}[:${num(p)}]`, prec: 5 }),
    apply: (e, p) => str(e).slice(0, num(p)), post: (p) => [`cut to its first ${num(p)} letters`],
    pre: (p) => [`the first ${num(p)} letters of`], slug: (p) => `head${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'tail', from: 'word', to: 'word', family: 'cut', sibling: 'head',
    choose: (rng) => rng.int(2, 3), py: (x, p) => ({ text: `${wrap(x, 5)}[-${num(p)}:]`, prec: 5 }),
    apply: (e, p) => str(e).slice(-num(p)), post: (p) => [`cut to its last ${num(p)} letters`],
    pre: (p) => [`the last ${num(p)} letters of`], slug: (p) => `tail${num(p)}`, tweak: (p) => neighbours(num(p), 1),
  },
  {
    id: 'first', from: 'word', to: 'char', family: 'cut', sibling: 'last',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}[0]`, prec: 5 }),
    apply: (e) => str(e).charAt(0), post: () => ['reduced to its first letter'],
    pre: () => ['the first letters of', 'the initials of'], slug: () => 'initials', tweak: () => [],
  },
  {
    id: 'last', from: 'word', to: 'char', family: 'cut', sibling: 'first',
    choose: () => null, py: (x) => ({ text: `${wrap(x, 5)}[-1]`, prec: 5 }),
    apply: (e) => str(e).slice(-1), post: () => ['reduced to its last letter'], pre: () => ['the last letters of'],
    slug: () => 'finals', tweak: () => [],
  },
  {
    id: 'len', from: 'word', to: 'int', family: 'len',
    choose: () => null, py: (x) => ({ text: `len(${x.text})`, prec: 5 }),
    apply: (e) => str(e).length, post: () => ['replaced by its length'], pre: () => ['the lengths of'],
    slug: () => 'lengths', tweak: () => [],
  },
];

export const filterById = new Map(filters.map((f) => [f.id, f]));
export const mapById = new Map(maps.map((m) => [m.id, m]));
/** Maps that are only ever wrong variants, never part of a problem. */
export const variantOnlyMaps = new Set(['double']);
