import { z } from 'zod';
import { nullableNumbers } from './nullable-numbers';
import { ExecutionResultSchema } from './sandbox';
import { CandidateViewSchema, HeadlineMetricsSchema, IterationRefSchema, LabelSchema, LabelVerdictSchema, ProblemSummarySchema, RunNameSchema } from './loop';

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

export const inspectMethods = {
  'metrics.series': {
    params: z.object({ run: RunName }).strict(),
    result: z.array(MetricPointSchema),
  },
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
