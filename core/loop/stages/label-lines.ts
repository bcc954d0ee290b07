import { problemSchema } from '../../data/problem';
import { loadModel } from '../../models/checkpoint';
import { uploadModel } from '../../models/programs';
import { problemPromptText } from '../../models/prompting';
import { TextTokenizer } from '../../models/tokenizers';
import { completionLines } from '../../train/prm/line-ends';
import { labelsFrom, PrefixSearch } from '../../train/prm/labels';
import { checkPrefixes } from '../../train/prm/prefix-checks';
import { latestCheckpoint, listCandidates, listProblems, type CandidateRecord } from '../../store/loop-records';
import { insertLineLabels, lineLabelsOf, type LineLabelRecord, type PrefixCompletionRecord } from '../../store/prm-records';
import { meterCallback } from '../progress';
import { seededPick, stageSeed } from '../seeds';
import type { Stage } from '../stage';
import { verdictsOf } from '../verdicts';

/**
 * label-lines: line labels for a seeded draw of this iteration's candidates (held-out ones first, for the PRM's
 * held-out accuracy, then training ones) by completing their prefixes with the current policy. Candidates go in
 * fixed chunks, each labelled in search rounds (one sampling batch and one sandbox batch per round) and stored in one
 * transaction with every completion behind it; a resumed stage skips the chunks the store has, and since a chunk's
 * seeds depend only on its place in the draw, it labels the rest exactly as the uninterrupted stage would have.
 * No candidate is started whose worst case (K executions per check) could overrun prm.executionBudget: labelling
 * stops there.
 */
export const labelLinesStage: Stage = {
  name: 'label-lines',
  runsIn: (_iteration, config) => config.prm.enabled,
  async run(ctx, config) {
    const prm = config.prm;
    const index = ctx.iteration.index;
    const problems = new Map(listProblems(ctx.db, ctx.run.id).map((p) => [p.id, p]));
    const verdicts = verdictsOf(ctx.db, ctx.run.id, ctx.iteration.id);
    const labellable = listCandidates(ctx.db, ctx.iteration.id).filter((c) => verdicts.has(c.id) && completionLines(c.code).length > 0);
    const split = (s: 'train' | 'heldout'): CandidateRecord[] => labellable.filter((c) => problems.get(c.problemId)!.split === s);
    const queue = [
      ...seededPick(split('heldout'), prm.heldoutCandidates, stageSeed(config.seed, index, 'label-heldout')),
      ...seededPick(split('train'), prm.maxCandidates, stageSeed(config.seed, index, 'label-train')),
    ];
    const worstCase = (c: CandidateRecord): number => {
      if (verdicts.get(c.id)!.passed) return 0;
      return prm.k * new PrefixSearch(completionLines(c.code), problems.get(c.problemId)!.language).maxChecks;
    };

    const stored = lineLabelsOf(ctx.db, ctx.iteration.id);
    const progress = meterCallback('label-lines', ctx.progress);
    const tokenizer = TextTokenizer.load(latestCheckpoint(ctx.db, ctx.run.id, 'tokenizer')!.path);
    const prompting = config.model.generator === null ? 'completion' : config.model.prompting;
    let policy: Awaited<ReturnType<typeof uploadModel>> | null = null;
    let spent = 0;
    let labelled = 0;
    let stoppedByBudget = false;
    const started = performance.now();
    for (let first = 0, chunkIndex = 0; first < queue.length && !stoppedByBudget; first += prm.chunkCandidates, chunkIndex++) {
      ctx.signal.throwIfAborted();
      // 1. the chunk: its candidates in draw order, as many as the budget's worst case allows
      const { taken: chunk, stopped } = withinBudget(queue.slice(first, first + prm.chunkCandidates), worstCase, prm.executionBudget - spent);
      stoppedByBudget = stopped;
      if (chunk.length === 0) break;
      if (chunk.every((c) => stored.has(c.id))) {
        spent += chunk.reduce((n, c) => n + stored.get(c.id)!.executions, 0);
        labelled += chunk.length;
        progress({ done: labelled, total: queue.length });
        continue;
      }

      // 2. search rounds: every unfinished candidate's next prefix, checked together
      const chunkStarted = performance.now();
      const items = chunk.map((c) => {
        const problem = problemSchema.parse(problems.get(c.problemId)!.data);
        const lines = completionLines(c.code);
        const passed = verdicts.get(c.id)!.passed;
        return { c, problem, lines, search: passed ? null : new PrefixSearch(lines, problem.language), executions: 0 };
      });
      const completions: PrefixCompletionRecord[] = [];
      for (let round = 0; ; round++) {
        const asks = items.flatMap((item) => {
          const m = item.search?.next() ?? null;
          return m === null ? [] : [{ item, prefixLines: m }];
        });
        if (asks.length === 0) break;
        if (policy === null) {
          const generator = loadModel(latestCheckpoint(ctx.db, ctx.run.id, 'generator')!.path);
          policy = await uploadModel(await ctx.engine(), generator.config, generator.heads, generator.tensors);
        }
        const checks = await checkPrefixes(
          await ctx.engine(),
          policy,
          tokenizer,
          ctx.sandbox,
          asks.map(({ item, prefixLines }) => ({ problem: item.problem, promptText: problemPromptText(tokenizer, prompting, item.problem), lines: item.lines, prefixLines })),
          {
            k: prm.k,
            temperature: prm.temperature,
            maxNewTokens: prm.maxNewTokens ?? config.sampling.maxNewTokens,
            stop: config.sampling.stop,
            seed: stageSeed(config.seed, index, `label-lines:${chunkIndex}:${round}`),
            rowsPerBatch: config.sampling.rowsPerBatch,
            limits: { timeoutMs: config.execute.timeoutS * 1000, memoryBytes: config.execute.memoryMb * 1024 ** 2 },
          },
        );
        asks.forEach(({ item, prefixLines }, i) => {
          const check = checks[i]!;
          item.search!.answer(check.recoverable);
          item.executions += check.completions.length;
          for (const done of check.completions) completions.push({ candidateId: item.c.id, prefixLines, ...done });
        });
      }

      // 3. store the chunk whole; its seconds are shared evenly (its candidates were checked together)
      const seconds = (performance.now() - chunkStarted) / 1000 / chunk.length;
      const records: LineLabelRecord[] = items.map((item) => {
        const last = item.search?.lastRecoverable ?? item.lines.length;
        return {
          candidateId: item.c.id,
          labels: labelsFrom(item.lines, item.problem.language, last),
          lastRecoverable: last,
          prefixChecks: item.search?.checks ?? 0,
          executions: item.executions,
          seconds,
        };
      });
      insertLineLabels(ctx.db, records, completions);
      spent += records.reduce((n, r) => n + r.executions, 0);
      labelled += chunk.length;
      progress({ done: labelled, total: queue.length });
    }

    const labels = [...lineLabelsOf(ctx.db, ctx.iteration.id).values()];
    const problemOf = new Map(labellable.map((c) => [c.id, problems.get(c.problemId)!]));
    const failing = labels.filter((l) => !verdicts.get(l.candidateId)!.passed);
    const summary = {
      labelled,
      heldout: labels.filter((l) => problemOf.get(l.candidateId)?.split === 'heldout').length,
      passing: labels.length - failing.length,
      failing: failing.length,
      failingRecoverable: failing.filter((l) => l.lastRecoverable >= 1).length,
      executions: spent,
      executionsPerFailing: failing.length > 0 ? spent / failing.length : null,
      budget: prm.executionBudget,
      stoppedByBudget,
      seconds: (performance.now() - started) / 1000,
    };
    ctx.log('info', `label-lines: ${labelled} candidates labelled (${summary.failingRecoverable}/${failing.length} failing ones recoverable), ${spent} executions${stoppedByBudget ? ', budget spent' : ''}`);
    return { write: () => {}, output: summary };
  },
};

/**
 * The leading items whose worst-case costs fit in `left` together; `stopped` when one did not (labelling ends there:
 * later candidates are not tried, so a resumed stage takes exactly the same ones).
 */
export function withinBudget<T>(items: readonly T[], worstCase: (item: T) => number, left: number): { taken: T[]; stopped: boolean } {
  const taken: T[] = [];
  let reserved = 0;
  for (const item of items) {
    const cost = worstCase(item);
    if (reserved + cost > left) return { taken, stopped: true };
    taken.push(item);
    reserved += cost;
  }
  return { taken, stopped: false };
}
