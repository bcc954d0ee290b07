import type { ProblemLanguage } from '../../core/data/problem';

/**
 * Deterministic broken versions of a correct completion (a canonical solution), for the dataset tests and the
 * sandbox benchmark: what a generator's near-misses look like to the sandbox.
 */

/** Swaps the boolean literals (true <-> false, True <-> False): a changed return value where the solution returns one. */
export function changedReturn(completion: string): string | null {
  if (!/\b(true|false|True|False)\b/.test(completion)) return null;
  const swap: Record<string, string> = { true: 'false', false: 'true', True: 'False', False: 'True' };
  return completion.replace(/\b(true|false|True|False)\b/g, (word) => swap[word] ?? word);
}

/** A first line that no language parses: ")(]{". */
export function syntaxError(completion: string): string {
  return `    )(]{\n${completion}`;
}

// A loop that never ends, placed first in the body; written so that no compiler rejects the code after it as
// unreachable (javac does for a constant `while (true)`).
const endless: Record<ProblemLanguage, string> = {
  python: '    while True:\n        pass\n',
  javascript: '  while (true) {}\n',
  typescript: '  while (true) {}\n',
  cpp: '    while (true) {}\n',
  java: '        while (System.nanoTime() > 0) {}\n',
  csharp: '        while (true) {}\n',
  php: '    while (true) {}\n',
  bash: '    while true; do :; done\n',
  go: '\tfor {\n\t}\n',
  rust: '    loop {}\n',
  lua: '    while true do end\n',
  ruby: '  loop {}\n',
};

export function endlessLoop(language: ProblemLanguage, completion: string): string {
  return endless[language] + completion;
}
