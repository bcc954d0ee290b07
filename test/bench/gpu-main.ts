/**
 * The entry scripts/gpu-check.sh bundles for a GPU machine (no node_modules there):
 *   list                          the check names, one a line
 *   check PROVIDER NAME           one check: a line `PASS|FAIL <name>: <detail>`, exit 0 either way
 *   bench PROVIDER SIZE [ROUNDS] [device|cpu]
 *                                 `bench engine`'s figures as one JSON line; cpu: state placed in CPU memory
 *                                 between runs instead of kept on the device (to measure what keeping it buys)
 */
import type { ProviderName } from '../../core/engine/protocol';
import { type BenchSize, benchEngine } from './engine';
import { checkNames, runCheck } from './gpu-checks';

const [command, provider, arg, rounds, placement] = process.argv.slice(2);
if (command === 'list') {
  for (const n of checkNames) console.log(n);
} else if (command === 'check') {
  try {
    const r = await runCheck(provider as ProviderName, arg!);
    console.log(`${r.ok ? 'PASS' : 'FAIL'} ${arg}: ${r.detail}`);
  } catch (err) {
    console.log(`FAIL ${arg}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
} else if (command === 'bench') {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const result = await benchEngine({ provider: provider as ProviderName, size: arg as BenchSize, rounds: rounds ? Number(rounds) : 5, threads: 16, log, keepOnDevice: placement !== 'cpu' });
  console.log(JSON.stringify(result));
} else {
  console.error('usage: gpu-main list | check PROVIDER NAME | bench PROVIDER small|medium [ROUNDS] [device|cpu]');
  process.exitCode = 2;
}
