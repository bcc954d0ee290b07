import { InvalidArgumentError, type Command } from 'commander';
import { builtInSetsDir } from '../data/built-in-sets';
import { problemLanguages, type ProblemLanguage } from '../data/problem';
import { benchSandbox, benchTable } from '../../test/bench/sandbox';
import { benchLog, positive } from './bench-output';

function parseLanguages(value: string): ProblemLanguage[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const name of names) {
    if (!(problemLanguages as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`'${name}' is not a language (one of ${problemLanguages.join(', ')})`);
    }
  }
  return names as ProblemLanguage[];
}

/** `bench sandbox`: warm sandbox pool vs one fresh sandboxed process per candidate (MultiPL-E's way). */
export function registerSandboxBench(bench: Command): void {
  bench
    .command('sandbox')
    .description('sandbox: candidates/s per language with 2 workers vs a fresh sandboxed process per candidate')
    .option('--json', 'print {"languages": {"<language>": {"candidates_per_s", "baseline_per_s", "speedup"}}}')
    .option('--languages <list>', 'comma-separated languages (default: all twelve)', parseLanguages)
    .option('--candidates <n>', 'candidates per language', positive, 500)
    .option('--chunks <n>', 'chunks per language; figures are medians over chunks', positive, 5)
    .option('--jobs <n>', 'workers', positive, 2)
    .option('--data <dir>', 'the public problem sets (default: the built-in ones)', builtInSetsDir())
    .action(async (opts: { json?: boolean; languages?: ProblemLanguage[]; candidates: number; chunks: number; jobs: number; data: string }) => {
      const log = benchLog;
      const result = await benchSandbox({
        dataDir: opts.data,
        languages: opts.languages ?? problemLanguages,
        candidates: opts.candidates,
        chunks: opts.chunks,
        jobs: opts.jobs,
        log,
      });
      for (const [language, f] of Object.entries(result.languages)) {
        log(`${language}: ${f.candidates} candidates, verdicts ${JSON.stringify(f.statuses)}`);
      }
      if (!opts.json) {
        console.log(benchTable(result));
        return;
      }
      const languages = Object.fromEntries(
        Object.entries(result.languages).map(([language, f]) => [
          language,
          { candidates_per_s: f.candidates_per_s, baseline_per_s: f.baseline_per_s, speedup: f.speedup },
        ]),
      );
      console.log(JSON.stringify({ languages }, null, 2));
    });
}
