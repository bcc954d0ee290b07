import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A real run for the browser tests, made by the CLI as a user would, with the tiny config (resources/configs:
 * candidates from a file over the embedded set, real sandbox verdicts, a small reranker trained from scratch).
 * Seconds per iteration, so the tests can also run iterations from the UI.
 */
export async function makeSmallRun(iterations: number): Promise<{ workspace: string }> {
  const workspace = join(mkdtempSync(join(tmpdir(), 'rr-ui-run-')), 'workspace');
  const config = join('resources', 'configs', 'tiny.jsonc');
  const args = ['bin/rewardranker.js', 'iterate', '--workspace', workspace, '--config', config, '--iterations', String(iterations)];
  await promisify(execFile)(process.execPath, args);
  return { workspace };
}
