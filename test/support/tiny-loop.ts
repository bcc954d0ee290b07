import type { SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleEntry } from './bundle-entry';
import { writeDefaultSetCandidates } from './default-set-candidates';
import { runLoopChild } from './loop-child';

/** The smallest transformer the loop trains in seconds: generator and reranker alike. */
export const tinyModel = { nLayer: 1, nEmbd: 32, nHead: 2, maxSeqLen: 160, vocabSize: 320 };

/**
 * The loop tests' run config: tiny models, candidates from a file over the embedded set (real verdicts without a
 * model), short samples, one iteration; `sections` lay each test's stages over it (a section given replaces the
 * default one whole). `candidates`: training and held-out problems in the candidates file.
 */
export function tinyLoopConfig(sections: Record<string, unknown>, candidates: { train?: number; heldout?: number; heldoutProblems?: number } = {}): string {
  return JSON.stringify({
    iterations: 1,
    tokenizer: { vocabSize: 320 },
    generator: tinyModel,
    reranker: tinyModel,
    execute: { timeoutS: 1 },
    sampling: { n: 2, maxNewTokens: 12 },
    generate: {
      candidatesFile: writeDefaultSetCandidates(candidates.train, candidates.heldout),
      ...(candidates.heldoutProblems === undefined ? {} : { heldoutProblems: candidates.heldoutProblems }),
    },
    ...sections,
  });
}

export type LoopRun = (workspace: string, killAt?: string) => SpawnSyncReturns<string>;

/**
 * The loop (test/core/loop/iterate-child.ts, bundled once) run with `config` in a child process of its own; with
 * killAt '<iteration>:<stage>' it kills itself with SIGKILL halfway through that stage.
 */
export async function tinyLoopRunner(config: string, timeoutMs: number): Promise<LoopRun> {
  const child = await bundleEntry('test/core/loop/iterate-child.ts');
  return (workspace, killAt) => runLoopChild(child, workspace, config, { killAt, timeoutMs });
}

/** A new empty workspace directory. */
export function freshWorkspace(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
