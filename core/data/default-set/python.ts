/**
 * The few pieces of Python semantics the generator needs to compute expected outputs in TypeScript, and Python
 * literal syntax to write them into asserts. The tests run every reference in python3 to prove the two agree.
 */

/** A Python value as the generator handles it; a dict is an insertion-ordered Map with string keys. */
export type PyValue = number | string | boolean | PyValue[] | Map<string, PyValue>;

/** Python's `%`: the result takes the divisor's sign. */
export function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Python's `//`: floor division. */
export function pyFloorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Python's ordering for the values we sort: numbers numerically, strings by code point (ASCII only here). */
export function pyCompare(a: PyValue, b: PyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`pyCompare: cannot order ${typeof a} and ${typeof b}`);
}

function reprString(s: string): string {
  // Python prefers single quotes and switches to double quotes only when the text has a ' and no ".
  if (s.includes("'") && !s.includes('"')) return `"${s.replace(/\\/g, '\\\\')}"`;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `repr(value)` as CPython prints it, for the values the generator produces. */
export function pyRepr(value: PyValue): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`pyRepr: ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  return `{${[...value].map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(', ')}}`;
}

/** Python `==` for the generator's values (1 == True is never compared here: outputs have one type each). */
export function pyEqual(a: PyValue, b: PyValue): boolean {
  return pyRepr(a) === pyRepr(b);
}
