import type { ProblemLanguage } from '../../data/problem';

/**
 * Line-comment prefixes per sandbox language, keyed by the same ids the sandbox's languages use: a Record over the
 * id union, so a language added there without an entry here does not compile. Only lines that are wholly a line
 * comment count; block comments (C's slash-star, Lua's --[[ ]]) start with one of these or are rare in generated
 * completions, and a Python docstring is a statement, not a comment.
 */
export const lineCommentPrefixes: Record<ProblemLanguage, readonly string[]> = {
  python: ['#'],
  javascript: ['//', '/*', '*/'],
  typescript: ['//', '/*', '*/'],
  cpp: ['//', '/*', '*/'],
  java: ['//', '/*', '*/'],
  csharp: ['//', '/*', '*/'],
  php: ['//', '#', '/*', '*/'],
  bash: ['#'],
  go: ['//', '/*', '*/'],
  rust: ['//', '/*', '*/'],
  lua: ['--'],
  ruby: ['#'],
};

/** Blank lines and lines holding only a comment: the PRM labels them 0 (they neither help nor hurt a program). */
export function isNeutralLine(line: string, language: string): boolean {
  const body = line.trim();
  if (body === '') return true;
  const prefixes = (lineCommentPrefixes as Record<string, readonly string[] | undefined>)[language];
  if (prefixes === undefined) throw new Error(`line labels: no comment syntax for language '${language}'`);
  return prefixes.some((p) => body.startsWith(p));
}
