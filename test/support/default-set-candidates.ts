import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProblems } from '../../core/data/load';
import { embeddedDefaultSet } from '../../core/loop/problem-set';

/**
 * A candidates file over the embedded default set: each problem's canonical solution (passes), a near miss with its
 * first digit changed (usually fails), and for every sixth problem an endless loop (times out). Real passes and
 * real failures, without a model. Each line also carries keys of its own (an id, where it came from), as sample
 * files do, which the loop must take through.
 */
export function writeDefaultSetCandidates(train = 12, heldout = 6): string {
  const problems = loadProblems(embeddedDefaultSet, 'normalized');
  const pick = [
    ...problems.filter((p) => p.task_id.startsWith('train/')).slice(0, train),
    ...problems.filter((p) => p.task_id.startsWith('heldout/')).slice(0, heldout),
  ];
  const lines = pick.flatMap((p, i) => {
    const good = p.canonical_solution!;
    const bad = /\d/.test(good) ? good.replace(/\d/, (d) => String((Number(d) + 1) % 10)) : good.replace('return ', 'return not ');
    const endless = i % 6 === 0 ? [{ task_id: p.task_id, completion: '    while True:\n        pass\n' }] : [];
    return [{ task_id: p.task_id, completion: good }, { task_id: p.task_id, completion: bad }, ...endless];
  }).map((line, i) => ({ ...line, id: `c${i}`, source: 'default-set-candidates' }));
  const file = join(mkdtempSync(join(tmpdir(), 'rr-cands-')), 'candidates.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}
