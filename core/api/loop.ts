import { z } from 'zod';
import { nullableNumbers } from './nullable-numbers';

/** The loop's part of the contract: runs, iterations and their metrics, candidates, mining results, labels. */

export const RunNameSchema = z.string().min(1).max(200).default('default');
const RunRef = z.object({ run: RunNameSchema }).strict();
export const IterationRefSchema = z.object({ run: RunNameSchema, iteration: z.number().int().min(0) }).strict();

/** The headline numbers of an iteration, null where it has none yet (shared by run status and the metric series). */
export const HeadlineMetricsSchema = nullableNumbers('rerank_pass1', 'random_pass1', 'oracle_passn', 'gap_closed', 'reranker_auc');

/**
 * Held-out pass@1 of the picks the reranker has to beat (core/loop/metrics/baselines.ts); null where a pick had
 * nothing to go on. Absent in runs evaluated before baselines existed.
 */
export const BaselinesSchema = nullableNumbers('random', 'mean_logprob', 'sum_logprob', 'majority', 'agreement', 'agreement_rerank', 'oracle').extend({
  /** The process reward model's picks (highest mean, highest minimum of its line scores): only in iterations with a PRM. */
  prm_mean: z.number().nullable().optional(),
  prm_min: z.number().nullable().optional(),
});

const SelectionMetricsSchema = z.object({
  problems: z.number(),
  candidates: z.number(),
  rerank_pass1: z.number(),
  random_pass1: z.number(),
  oracle_passn: z.number(),
  gap_closed: z.number().nullable(),
  pass_at_k: z.record(z.string(), z.number()),
  reranker_auc: z.number().nullable(),
  pairwise_accuracy: z.number().nullable(),
  baselines: BaselinesSchema.optional(),
});

export const IterationMetricsSchema = SelectionMetricsSchema.extend({
  hard_negatives: z.number(),
  hard_negative_rate: z.number().nullable(),
  disputed: z.number(),
  histogram: z.object({ edges: z.array(z.number()), passing: z.array(z.number()), failing: z.array(z.number()) }),
  per_language: z.record(z.string(), SelectionMetricsSchema),
});

export const IterationStatusSchema = z.object({
  index: z.number().int(),
  stage: z.string().nullable(),
  status: z.string(),
  error: z.string().nullable(),
  metrics: HeadlineMetricsSchema.extend({
    hard_negatives: z.number(),
    disputed: z.number(),
    /** The best pick that runs nothing (random, mean or sum log-prob, majority), and its pass@1. */
    best_free_baseline: z.object({ name: z.string(), pass1: z.number() }).nullable().optional(),
    /** Execution agreement's pass@1, and the combined pick's (agreement clusters weighed by the reranker). */
    agreement_pass1: z.number().nullable().optional(),
    agreement_rerank_pass1: z.number().nullable().optional(),
  }),
});

export const RunStatusSchema = z.object({ run: z.string(), iterations: z.array(IterationStatusSchema) });

export const LabelVerdictSchema = z.enum(['pass', 'fail', 'unsure']);

export const LabelSchema = z.object({
  id: z.number().int(),
  candidateId: z.number().int(),
  verdict: LabelVerdictSchema,
  note: z.string(),
  author: z.string(),
  createdAt: z.string(),
});

export const CandidateViewSchema = z.object({
  candidateId: z.number().int(),
  problemId: z.number().int(),
  taskId: z.string(),
  sampleIdx: z.number().int(),
  code: z.string(),
  /** The score by the iteration's own reranker (held-out) or the reranker that scored it (training); null: none yet. */
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  verdictSource: z.enum(['execution', 'label']).nullable(),
  status: z.string().nullable(),
  testsPassed: z.number().nullable(),
  testsTotal: z.number().nullable(),
  stderr: z.string(),
  hardNegative: z.boolean(),
  /** Why a person should look, when mining disputed it. */
  disputeReasons: z.array(z.object({ kind: z.string(), detail: z.string() })),
  language: z.string().optional(),
  /** The candidate's current label (after undos); null: none. */
  label: LabelVerdictSchema.nullable().optional(),
  /** Per-line scores of the process reward model (`scores.line_scores_json`), one per line of `code`; null: none. */
  lineScores: z.array(z.number()).nullable().optional(),
  /** Iterations whose reranker training used this candidate's label in its pairs. */
  labelUsedBy: z.array(z.number().int()).optional(),
});
export type CandidateView = z.infer<typeof CandidateViewSchema>;

export const ProblemSummarySchema = z.object({
  problemId: z.number().int(),
  taskId: z.string(),
  language: z.string(),
  split: z.enum(['train', 'heldout']),
  candidates: z.number().int(),
  passing: z.number().int(),
  /** Whether the reranker's top pick passes (null without scores). */
  pickPasses: z.boolean().nullable(),
});

export const LoopProgressSchema = z.object({
  run: z.string(),
  iteration: z.number().int(),
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  ratePerS: z.number(),
  etaS: z.number().nullable(),
});

export const LoopStageSchema = z.object({
  run: z.string(),
  iteration: z.number().int(),
  stage: z.string(),
  state: z.enum(['started', 'done', 'skipped']),
  /** Seconds the stage took, on 'done'. */
  durationS: z.number().optional(),
});

export const LoopStateSchema = z.object({
  running: z.boolean(),
  run: z.string().nullable(),
  /** Why the last loop stopped early (failed or cancelled), if it did. */
  error: z.string().nullable(),
});

export const loopMethods = {
  'runs.list': {
    params: z.object({}).strict(),
    result: z.array(z.object({ name: z.string(), createdAt: z.string(), iterations: z.number().int() })),
  },
  'runs.status': { params: RunRef, result: RunStatusSchema.nullable() },
  'iterations.metrics': {
    params: IterationRefSchema,
    result: z.object({
      metrics: IterationMetricsSchema.nullable(),
      previous: IterationMetricsSchema.nullable(),
      /** metrics - previous for every headline number (null where either side has none). */
      delta: z.record(z.string(), z.number().nullable()).optional(),
    }),
  },
  'problems.list': {
    params: IterationRefSchema.extend({ split: z.enum(['train', 'heldout']).optional() }).strict(),
    result: z.array(ProblemSummarySchema),
  },
  'candidates.byProblem': {
    params: IterationRefSchema.extend({ problemId: z.number().int() }).strict(),
    result: z.array(CandidateViewSchema),
  },
  'mined.list': {
    params: IterationRefSchema.extend({ kind: z.enum(['hard-negative', 'disputed']), limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
    result: z.array(CandidateViewSchema),
  },
  'labels.put': {
    params: z
      .object({
        candidateId: z.number().int(),
        verdict: LabelVerdictSchema,
        note: z.string().max(10_000).default(''),
        author: z.string().min(1).max(200).default('you'),
      })
      .strict(),
    result: LabelSchema,
  },
  'labels.list': {
    params: z.object({ candidateId: z.number().int() }).strict(),
    result: z.array(LabelSchema),
  },
  'loop.start': {
    params: RunRef.extend({
      /** Iterations to reach in all (finished ones are skipped). */
      iterations: z.number().int().min(1).max(1000).optional(),
      /** Or: this many iterations beyond the run's finished ones ("run next iteration" is more: 1). */
      more: z.number().int().min(1).max(1000).optional(),
      /** A path from configs.list (resources/configs or the workspace); default: the run's own config, else the embedded default. */
      configFile: z.string().optional(),
    }).strict(),
    result: LoopStateSchema,
  },
  'loop.cancel': { params: z.object({}).strict(), result: LoopStateSchema },
  'loop.state': { params: z.object({}).strict(), result: LoopStateSchema },
} as const;

export const loopEvents = {
  'loop.progress': LoopProgressSchema,
  'loop.stage': LoopStageSchema,
  'loop.state': LoopStateSchema,
} as const;
