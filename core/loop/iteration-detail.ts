import type { z } from 'zod';
import { type IterationDetailSchema, PolicyComparisonSchema, PpoRoundSchema } from '../api/inspect';
import { BaselinesSchema } from '../api/loop';
import { type CheckpointRow, runCheckpoints } from '../store/inspect-queries';
import type { Db } from '../store/open-store';
import { ppoStepsOf } from '../store/ppo-records';
import { type IterationRow, type RunRow, stagesOf } from '../store/runs';

type Detail = z.output<typeof IterationDetailSchema>;
type Setting = Detail['settings'][number];

/**
 * What an engineer asks of an iteration beside its metrics: how long each stage took (from the store, so a reload
 * shows it), and what it ran with. A run's config is fixed for all its iterations (a resume must name the same
 * one), so "what changed from the previous iteration" is the effective settings: the generator checkpoint it
 * sampled from, the reranker that scored and the one it trained, whether PPO ran, and the stages' own counts.
 */
export function iterationDetail(db: Db, run: RunRow, iterations: readonly IterationRow[], index: number): Detail | null {
  const iteration = iterations.find((i) => i.index === index);
  if (!iteration) return null;
  const before = iterations.find((i) => i.index === index - 1) ?? null;
  const checkpoints = runCheckpoints(db, run.id);
  const now = effectiveSettings(db, iteration, checkpoints);
  const previous = before ? effectiveSettings(db, before, checkpoints) : new Map<string, string>();
  // Only this iteration's keys: stages that ran once (tokenizer, SFT in iteration 0) are no change of the next one.
  const settings: Setting[] = [...now].map(([key, value]) => {
    const was = before ? (previous.get(key) ?? null) : null;
    return { key, value, previous: was, changed: before !== null && (was ?? '–') !== value, kind: inputs.has(key) ? 'input' : 'figure' };
  });
  const stages = stagesOf(db, iteration.id).map((s) => ({
    stage: s.stage,
    status: s.status,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    durationS: Math.max(0, (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000),
    error: s.error,
  }));
  return {
    stages,
    settings,
    config: flatten(run.config).map(([key, value]) => ({ key, value })),
    baselines: baselinesOf(iteration),
    previousBaselines: before ? baselinesOf(before) : null,
    policy: policyOf(iteration),
    previousPolicy: before ? policyOf(before) : null,
    ppo: ppoStepsOf(db, iteration.id).flatMap((log) => {
      const l = log as { update?: unknown; valueLoss?: unknown };
      const parsed = PpoRoundSchema.safeParse({ ...(log as object), round: l.update, valueLoss: l.valueLoss ?? null });
      return parsed.success ? [parsed.data] : [];
    }),
  };
}

/** The settings an iteration ran with; every other stage output is a figure it measured. */
const inputs = new Set([
  'candidates from',
  'scored and mined by',
  'reranker trained',
  'policy optimisation',
  'generate.candidates',
  'generate.trainProblems',
  'generate.heldoutProblems',
  'train-reranker.pairs',
  'train-reranker.hardNegativePairs',
  'train-reranker.labelledCandidates',
  'train-reranker.provider',
]);
/** Stage outputs the named settings above already say. */
const restated = new Set(['score.checkpointId', 'mine.scoredBy', 'generate.source']);

function metricsField(iteration: IterationRow, field: string): unknown {
  const m = iteration.metrics;
  return m !== null && typeof m === 'object' ? (m as Record<string, unknown>)[field] : undefined;
}

function baselinesOf(iteration: IterationRow): Detail['baselines'] {
  const parsed = BaselinesSchema.safeParse(metricsField(iteration, 'baselines'));
  return parsed.success ? parsed.data : null;
}

function policyOf(iteration: IterationRow): Detail['policy'] {
  const parsed = PolicyComparisonSchema.safeParse(metricsField(iteration, 'policy'));
  return parsed.success ? parsed.data : null;
}

function checkpointName(c: CheckpointRow | undefined): string {
  if (!c) return 'none';
  const origin = c.kind === 'generator' ? (c.algorithm ? `${c.algorithm} in iteration ${c.iteration}` : 'SFT') : `iteration ${c.iteration}`;
  return `#${c.id} (${origin})`;
}

/** The settings of one iteration as readable strings, in the order a cell lists them. */
function effectiveSettings(db: Db, iteration: IterationRow, checkpoints: readonly CheckpointRow[]): Map<string, string> {
  const records = new Map(stagesOf(db, iteration.id).map((s) => [s.stage, s]));
  const settings = new Map<string, string>();
  const i = iteration.index;
  // The generator of an iteration: the newest one written before its generate stage (SFT in iteration 0 comes
  // first; a PPO policy of iteration i is written after i's generate, so it samples in i + 1).
  const generator = checkpoints.filter((c) => c.kind === 'generator' && c.iteration !== null && (c.iteration < i || (c.iteration === i && !c.algorithm))).at(-1);
  const imported = (records.get('generate')?.output as { source?: unknown } | null)?.source;
  settings.set('candidates from', typeof imported === 'string' ? `file ${imported}` : `generator ${checkpointName(generator)}`);
  const scoredBy = (records.get('score')?.output as { checkpointId?: unknown } | null)?.checkpointId;
  settings.set('scored and mined by', typeof scoredBy === 'number' ? `reranker ${checkpointName(checkpoints.find((c) => c.id === scoredBy))}` : records.has('score') ? 'none (no reranker yet)' : '–');
  const trained = checkpoints.filter((c) => c.kind === 'reranker' && c.iteration === i).at(-1);
  settings.set('reranker trained', trained ? `${checkpointName(trained)}${trained.parentId === null ? '' : `, after #${trained.parentId}`}` : '–');
  const ppo = records.get('ppo');
  const policy = checkpoints.filter((c) => c.kind === 'generator' && c.iteration === i && c.algorithm).at(-1);
  settings.set('policy optimisation', ppo?.status === 'done' && policy ? `${policy.algorithm}: new generator ${checkpointName(policy)}` : ppo ? ppo.status : 'not run');
  for (const [stage, record] of records) {
    // evaluate's output is the metrics the cell shows anyway; ppo's, the PPO section.
    if (stage === 'evaluate' || stage === 'ppo' || record.output === null) continue;
    for (const [key, value] of flatten(record.output)) if (!restated.has(`${stage}.${key}`)) settings.set(`${stage}.${key}`, value);
  }
  return settings;
}

/** A JSON value as dotted keys and short strings (arrays by their length past a few items). */
function flatten(value: unknown, prefix = ''): Array<[string, string]> {
  if (typeof value === 'number' && !Number.isInteger(value)) return [[prefix, String(Number(value.toPrecision(4)))]];
  if (value === null || typeof value !== 'object') return prefix ? [[prefix, value === null ? 'null' : String(value)]] : [];
  if (Array.isArray(value)) {
    if (value.length > 6 || value.some((v) => v !== null && typeof v === 'object')) return [[prefix, `${value.length} items`]];
    return [[prefix, `[${value.join(', ')}]`]];
  }
  return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}
