/**
 * The completer behind line labels, for many prefixes at once: each prefix (the prompt, then the candidate's first
 * lines) is continued K times by the policy with the KV cache (one sampling batch for all of them), and every
 * completion runs against its problem's tests in the sandbox (one batch). A prefix is recoverable when any passes.
 */
import { assembleProgram } from '../../data/assemble';
import type { Problem } from '../../data/problem';
import type { Engine } from '../../engine/engine';
import type { ModelRef } from '../../models/programs';
import { promptTokens, sampleTokens, samplingConfigSchema } from '../../models/sampling';
import { specialIds, type TextTokenizer } from '../../models/tokenizers';
import type { SandboxRunner } from '../../sandbox/runner';
import { prefixText } from './labels';

export interface PrefixQuery {
  problem: Problem;
  /** The prompt as the policy is given it (problemPromptText). */
  promptText: string;
  lines: readonly string[];
  /** Lines of the candidate kept. */
  prefixLines: number;
}

export interface PrefixCompletion {
  sampleIdx: number;
  /** The whole completion: the kept lines, then what the policy wrote. */
  code: string;
  status: string;
  passed: boolean;
}

export interface PrefixCheck {
  recoverable: boolean;
  completions: PrefixCompletion[];
}

export interface PrefixCheckOptions {
  k: number;
  temperature: number;
  maxNewTokens: number;
  stop: readonly string[];
  seed: number;
  rowsPerBatch: number;
  limits: { timeoutMs: number; memoryBytes: number };
}

export async function checkPrefixes(
  engine: Engine,
  policy: ModelRef,
  tokenizer: TextTokenizer,
  sandbox: SandboxRunner,
  queries: readonly PrefixQuery[],
  options: PrefixCheckOptions,
): Promise<PrefixCheck[]> {
  if (queries.length === 0) return [];
  const special = specialIds(tokenizer);
  const prefixes = queries.map((q) => prefixText(q.lines, q.prefixLines));
  const prompts = queries.map((q, i) => promptTokens(tokenizer, special, q.promptText + prefixes[i]!));
  // A prefix that leaves the model no position to write in is checked as it stands, once.
  const room = (i: number): boolean => prompts[i]!.length < policy.config.maxSeqLen;
  const sampled = queries.map((_, i) => i).filter(room);
  const config = samplingConfigSchema.parse({
    n: options.k,
    temperature: options.temperature,
    maxNewTokens: options.maxNewTokens,
    stop: [...options.stop],
    seed: options.seed,
    rowsPerBatch: Math.max(options.rowsPerBatch, options.k),
  });
  const samples = await sampleTokens(engine, policy, tokenizer, special, sampled.map((i) => prompts[i]!), config);
  const codes: string[][] = queries.map((_, i) => (room(i) ? [] : [prefixes[i]!]));
  for (const s of samples) codes[sampled[s.prompt]!]![s.sample] = prefixes[sampled[s.prompt]!]! + s.text;

  const runs = queries.flatMap((q, i) =>
    codes[i]!.map((code) => ({
      language: q.problem.language,
      program: assembleProgram(q.problem, code),
      limits: options.limits,
      context: { harness: q.problem.harness, link: q.problem.link },
    })),
  );
  const results = await sandbox.runBatch(runs);
  let next = 0;
  return queries.map((_, i) => {
    const completions = codes[i]!.map((code, sampleIdx) => {
      const r = results[next++]!;
      return { sampleIdx, code, status: r.status, passed: r.status === 'OK' };
    });
    return { recoverable: completions.some((c) => c.passed), completions };
  });
}
