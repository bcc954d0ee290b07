/**
 * Line labels by completing prefixes (arXiv 2410.17621): a failing program's lines are good up to the last line
 * from which the policy can still reach a passing program, bad after it. "Recoverable" is decided by a completer
 * (prefix kept, the rest sampled K times, each run against the tests); the search assumes, as the paper does, that
 * once a prefix is unrecoverable every longer one is too, so a binary search needs about log2 T checks.
 */
import { isNeutralLine } from './comments';
import { completionLines } from './line-ends';

export type LineLabel = -1 | 0 | 1;

export interface LineLabelling {
  /** One per line of completionLines(completion): +1 up to the last recoverable line, -1 after, 0 blank or comment. */
  labels: LineLabel[];
  /** Lines 1..lastRecoverable were recoverable (0: not even the first); all lines for a passing candidate. */
  lastRecoverable: number;
  /** Prefixes the completer was asked about. */
  prefixChecks: number;
}

/**
 * The binary search as a state machine, so a labeller can run many candidates' searches in rounds (one batch of
 * sampling and execution per round) and a test can run one. Prefixes are cut only after code lines: a blank or
 * comment line changes nothing the tests can see, so a cut after it would ask the same question as the line before.
 */
export class PrefixSearch {
  /** Candidate prefix lengths, in lines: the end of each code line, ascending. */
  private readonly cuts: number[];
  /** Index into cuts of the longest prefix known recoverable (-1: none, i.e. lastRecoverable 0). */
  private lo = -1;
  /** Index into cuts of the shortest prefix known unrecoverable (cuts.length: none known). */
  private hi: number;
  private asked: number | null = null;
  checks = 0;

  constructor(lines: readonly string[], language: string) {
    this.cuts = lines.flatMap((line, i) => (isNeutralLine(line, language) ? [] : [i + 1]));
    this.hi = this.cuts.length;
  }

  /** At most this many checks for a program of these lines: ceil(log2(code lines + 1)). */
  get maxChecks(): number {
    return Math.ceil(Math.log2(this.cuts.length + 1));
  }

  /** The prefix (number of lines kept) to check next, or null when the search is over. */
  next(): number | null {
    if (this.hi - this.lo <= 1) return null;
    this.asked = Math.floor((this.lo + this.hi) / 2);
    return this.cuts[this.asked]!;
  }

  answer(recoverable: boolean): void {
    if (this.asked === null) throw new Error('PrefixSearch: answer() without a question from next()');
    if (recoverable) this.lo = this.asked;
    else this.hi = this.asked;
    this.asked = null;
    this.checks++;
  }

  get lastRecoverable(): number {
    return this.lo < 0 ? 0 : this.cuts[this.lo]!;
  }
}

/** Labels from the last recoverable line: +1 through it, -1 after it, 0 for blank and comment lines. */
export function labelsFrom(lines: readonly string[], language: string, lastRecoverable: number): LineLabel[] {
  return lines.map((line, i) => (isNeutralLine(line, language) ? 0 : i < lastRecoverable ? 1 : -1));
}

/**
 * Labels one candidate. A passing candidate is all +1 (no checks); a failing one is searched with `completer`,
 * which answers whether the prefix of the given lines can still be completed into a passing program.
 */
export async function labelLines(
  candidate: { completion: string; language: string; passed: boolean },
  completer: (prefixLines: readonly string[]) => Promise<boolean>,
): Promise<LineLabelling> {
  const lines = completionLines(candidate.completion);
  if (candidate.passed) return { labels: labelsFrom(lines, candidate.language, lines.length), lastRecoverable: lines.length, prefixChecks: 0 };
  const search = new PrefixSearch(lines, candidate.language);
  for (let m = search.next(); m !== null; m = search.next()) search.answer(await completer(lines.slice(0, m)));
  return { labels: labelsFrom(lines, candidate.language, search.lastRecoverable), lastRecoverable: search.lastRecoverable, prefixChecks: search.checks };
}

/** The text a completion of the first `prefixLines` lines starts with: those lines, each ending in a newline. */
export function prefixText(lines: readonly string[], prefixLines: number): string {
  return lines.slice(0, prefixLines).map((l) => `${l}\n`).join('');
}
