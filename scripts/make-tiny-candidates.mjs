// Writes resources/configs/tiny-candidates.jsonl, the candidates of the tiny test run (resources/configs/tiny.jsonc):
// for the first 36 training and 12 held-out problems of the embedded default set, the canonical solution, the same
// with a comment line (a second passing text), near misses that still run (a digit bumped, an operator swapped),
// and on some problems an endless loop (a Timeout) or a syntax error. Real passes and failures without a model.
import { readFileSync, writeFileSync } from 'node:fs';

const problems = readFileSync(new URL('../resources/default-set/problems.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));
const pick = [
  ...problems.filter((p) => p.task_id.startsWith('train/')).slice(0, 36),
  ...problems.filter((p) => p.task_id.startsWith('heldout/')).slice(0, 12),
];
const swaps = [['<=', '<'], ['>=', '>'], [' + ', ' - '], [' * ', ' + '], [' % 2 == 0', ' % 2 == 1'], ['upper', 'lower']];
const lines = pick.flatMap((p, i) => {
  const good = p.canonical_solution;
  // The comment line goes on a passing and on a failing text alike, so it tells the reranker nothing.
  const comment = (code) => `    # the straightforward way\n${code}`;
  const out = [good, comment(good)];
  if (/\d/.test(good)) out.push(comment(good.replace(/\d/, (d) => String((Number(d) + 1) % 10))));
  const swap = swaps.find(([from]) => good.includes(from));
  out.push(swap ? good.replace(swap[0], swap[1]) : good.replace('return ', 'return not '));
  if (i % 6 === 0) out.push(`    while True:\n        pass\n${good}`);
  if (i % 5 === 2) out.push(`    )(]{\n${good}`);
  return out.map((completion) => JSON.stringify({ task_id: p.task_id, completion }));
});
writeFileSync(new URL('../resources/configs/tiny-candidates.jsonl', import.meta.url), `${lines.join('\n')}\n`);
console.log(`${lines.length} candidates for ${pick.length} problems`);
