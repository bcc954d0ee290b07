import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeDefaultSetCandidates } from './default-set-candidates';

/**
 * A real run for the browser tests, made by the CLI as a user would: candidates from a file over the embedded set
 * (real sandbox verdicts), a small reranker trained from scratch. Seconds per iteration, so the tests can also run
 * iterations from the UI.
 */
export async function makeSmallRun(iterations: number): Promise<{ workspace: string; configFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-ui-run-'));
  const configFile = join(dir, 'small.jsonc');
  writeFileSync(
    configFile,
    JSON.stringify({
      iterations,
      generate: { candidatesFile: writeDefaultSetCandidates(24, 12) },
      execute: { timeoutS: 1 },
      reward: { init: 'scratch', steps: 12, batchPairs: 8 },
      reranker: { nLayer: 1, nEmbd: 32, nHead: 2 },
    }),
  );
  const workspace = join(dir, 'workspace');
  await promisify(execFile)(process.execPath, ['bin/rewardranker.js', 'iterate', '--workspace', workspace, '--config', configFile]);
  return { workspace, configFile };
}
