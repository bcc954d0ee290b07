import { z } from 'zod';
import { nullableNumbers } from './nullable-numbers';
import { ExecutionResultSchema } from './sandbox';
import { BaselinesSchema, CandidateViewSchema, HeadlineMetricsSchema, IterationRefSchema, LabelSchema, LabelVerdictSchema, ProblemSummarySchema, RunNameSchema } from './loop';

/**
 * Looking inside a run at any size: metric series, binned histograms and ROC points computed in the core (never raw
 * rows for a chart), paged hard-negative and problem lists served by the store, label undo and queue progress, and
 * re-running a candidate in the sandbox.
 */

const RunName = RunNameSchema;
const IterationRef = IterationRefSchema;
const Page = {
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
};
const Filters = {
  language: z.string().max(100).optional(),
  /** Case-insensitive substring of the problem's task id. */
  search: z.string().max(200).optional(),
};

export const MetricPointSchema = z.object({
  iteration: z.number().int(),
  status: z.string(),
  ...HeadlineMetricsSchema.shape,
  ...nullableNumbers('pairwise_accuracy', 'pass_at_1', 'hard_negatives', 'disputed').shape,
});

export const HistogramSeriesSchema = z.object({
  iteration: z.number().int(),
  /** Counts per bin of `edges`; bin i holds scores in [edges[i], edges[i+1]), the last bin also its upper edge. */
  passing: z.array(z.number().int()),
  failing: z.array(z.number().int()),
});

export const HardNegativeRowSchema = z.object({
  candidateId: z.number().int(),
  problemId: z.number().int(),
  taskId: z.string(),
  language: z.string(),
  sampleIdx: z.number().int(),
  score: z.number(),
  /** The best score among the problem's passing candidates (same reranker); null when none passes. */
  bestPassingScore: z.number().nullable(),
  /** score - bestPassingScore: how far the failing candidate outscores the best passing one. */
  margin: z.number().nullable(),
  status: z.string().nullable(),
  testsPassed: z.number().int().nullable(),
  testsTotal: z.number().int().nullable(),
  /** The candidate's current label, if a person gave one. */
  label: LabelVerdictSchema.nullable(),
});

export const ProblemRowSchema = ProblemSummarySchema.extend({
  topScore: z.number().nullable(),
  hardNegatives: z.number().int(),
  disputed: z.number().int(),
});

export const LoopSummarySchema = z.object({
  run: z.string(),
  /** The iteration that ended; null for the end of the whole loop.start. */
  iteration: z.number().int().nullable(),
  state: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().nullable(),
  durationS: z.number(),
  /** The iteration's headline metrics (null for a failed or cancelled one). */
  metrics: MetricPointSchema.nullable(),
});

/** A stage as the store recorded it: when it ran and how long it took (what a reload shows, not only the live events). */
export const StageTimingSchema = z.object({
  stage: z.string(),
  status: z.enum(['done', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationS: z.number(),
  error: z.string().nullable(),
});

/**
 * One of an iteration's effective settings (what it sampled from, what scored and trained, whether PPO ran, the
 * stages' own counts) beside the previous iteration's value; the run config itself is fixed per run.
 */
export const IterationSettingSchema = z.object({
  key: z.string(),
  value: z.string(),
  /** The previous iteration's value; null where it had none (or there is no previous iteration). */
  previous: z.string().nullable(),
  changed: z.boolean(),
  /** input: what the iteration ran with (what an engineer diffs); figure: what a stage measured on the way. */
  kind: z.enum(['input', 'figure']),
});

/** One PPO / GRPO round's log (core/train/ppo-trainer.ts PpoStepLog). */
export const PpoRoundSchema = z.object({
  round: z.number().int(),
  reward: z.number(),
  kl: z.number(),
  entropy: z.number(),
  clipFraction: z.number(),
  valueLoss: z.number().nullable(),
});

/** The policy before and after an iteration's RL, on the held-out problems (core/loop/policy-eval.ts). */
export const PolicyComparisonSchema = z.object({
  algorithm: z.string(),
  before: z.object({ randomPass1: z.number(), rerankPass1: z.number() }),
  after: z.object({ problems: z.number(), randomPass1: z.number(), rerankPass1: z.number(), oraclePassN: z.number() }),
});

export const IterationDetailSchema = z.object({
  stages: z.array(StageTimingSchema),
  settings: z.array(IterationSettingSchema),
  /** The run's config, flattened to dotted keys (the same for every iteration of a run). */
  config: z.array(z.object({ key: z.string(), value: z.string() })),
  baselines: BaselinesSchema.nullable(),
  previousBaselines: BaselinesSchema.nullable(),
  policy: PolicyComparisonSchema.nullable(),
  previousPolicy: PolicyComparisonSchema.nullable(),
  ppo: z.array(PpoRoundSchema),
});

export const inspectMethods = {
  'metrics.series': {
    params: z.object({ run: RunName }).strict(),
    result: z.array(MetricPointSchema),
  },
  /** An iteration's stored stage timings, effective settings against the previous one, baselines and PPO rounds. */
  'iterations.detail': { params: IterationRef, result: IterationDetailSchema },
  /** Reward histograms of passing vs failing candidates of each iteration asked for, all on one set of edges. */
  'metrics.histogram': {
    params: z
      .object({
        run: RunName,
        iterations: z.array(z.number().int().min(0)).min(1).max(20),
        split: z.enum(['heldout', 'train']).default('heldout'),
        bins: z.number().int().min(2).max(200).default(30),
      })
      .strict(),
    result: z.object({ edges: z.array(z.number()), series: z.array(HistogramSeriesSchema) }),
  },
  /** The ROC curve of the iteration's held-out scores as a pass/fail classifier, downsampled to maxPoints. */
  'metrics.roc': {
    params: IterationRef.extend({ maxPoints: z.number().int().min(2).max(2000).default(300) }).strict(),
    result: z.object({
      auc: z.number().nullable(),
      positives: z.number().int(),
      negatives: z.number().int(),
      points: z.array(z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number() })),
    }),
  },
  'hardNegatives.page': {
    params: IterationRef.extend({
      sort: z.enum(['score', 'margin']).default('margin'),
      order: z.enum(['asc', 'desc']).default('desc'),
      ...Filters,
      ...Page,
    }).strict(),
    result: z.object({ total: z.number().int(), rows: z.array(HardNegativeRowSchema) }),
  },
  'hardNegatives.detail': {
    params: IterationRef.extend({ candidateId: z.number().int() }).strict(),
    result: z.object({
      prompt: z.string(),
      language: z.string(),
      negative: CandidateViewSchema,
      /** The problem's best-scored passing candidate; null when none passes. */
      bestPassing: CandidateViewSchema.nullable(),
    }),
  },
  /** One query however many problems: paged, filtered, with counts per problem. */
  'problems.page': {
    params: IterationRef.extend({
      split: z.enum(['train', 'heldout']).optional(),
      sort: z.enum(['problem', 'passing', 'candidates']).default('problem'),
      ...Filters,
      ...Page,
    }).strict(),
    result: z.object({ total: z.number().int(), rows: z.array(ProblemRowSchema) }),
  },
  /** Appends a label restoring the verdict before the candidate's latest label (none: no label); never deletes. */
  'labels.undo': {
    params: z.object({ candidateId: z.number().int(), author: z.string().min(1).max(200).default('you') }).strict(),
    result: z.object({ label: LabelSchema, current: LabelVerdictSchema.nullable() }),
  },
  /** "k of n labelled" over the iteration's disputed samples. */
  'labels.progress': {
    params: IterationRef,
    result: z.object({ labelled: z.number().int(), total: z.number().int() }),
  },
  /** Runs a stored candidate again in the sandbox; its verdict, stdout and stderr also go to the log (the terminal). */
  'candidates.rerun': {
    params: z.object({ candidateId: z.number().int() }).strict(),
    result: z.object({ candidateId: z.number().int(), result: ExecutionResultSchema }),
  },
} as const;

export const inspectEvents = {
  'loop.summary': LoopSummarySchema,
} as const;
