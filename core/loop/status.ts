import { IterationMetricsSchema } from '../api/loop';
import { checkedJson } from '../store/json-column';
import { listMined } from '../store/loop-records';
import type { Db } from '../store/open-store';
import { findRun, listIterations, stagesOf } from '../store/runs';
import { type Baselines, freeBaselines } from './metrics/baselines';
import { storedRunConfig } from './run-config';
import type { Stage } from './stage';

export interface IterationStatus {
  index: number;
  /** The stage running, failed or next; the last stage once the iteration is done. */
  stage: string | null;
  status: string;
  error: string | null;
  metrics: {
    rerank_pass1: number | null;
    random_pass1: number | null;
    oracle_passn: number | null;
    gap_closed: number | null;
    reranker_auc: number | null;
    hard_negatives: number;
    disputed: number;
    /** The best pick that runs nothing (random, mean or sum log-prob, majority), and its pass@1. */
    best_free_baseline: { name: string; pass1: number } | null;
    agreement_pass1: number | null;
    agreement_rerank_pass1: number | null;
  };
}

/** The free baseline with the highest pass@1 (the first listed on ties). */
export function bestFreeBaseline(baselines: Baselines | undefined): { name: string; pass1: number } | null {
  let best: { name: string; pass1: number } | null = null;
  for (const name of freeBaselines) {
    const pass1 = baselines?.[name];
    if (pass1 !== null && pass1 !== undefined && (best === null || pass1 > best.pass1)) best = { name, pass1 };
  }
  return best;
}

export interface RunStatus {
  run: string;
  iterations: IterationStatus[];
}

/** Where a run stands, from the store alone (what `status` prints and the UI shows). */
export function runStatus(db: Db, runName: string, stages: readonly Stage[]): RunStatus | null {
  const run = findRun(db, runName);
  if (!run) return null;
  const config = storedRunConfig(db, run);
  return {
    run: run.name,
    iterations: listIterations(db, run.id).map((iteration) => {
      const records = stagesOf(db, iteration.id);
      const done = new Set(records.filter((r) => r.status === 'done').map((r) => r.stage));
      const failed = records.find((r) => r.status === 'failed' && !done.has(r.stage)) ?? null;
      const applicable = stages.filter((s) => !s.runsIn || s.runsIn(iteration.index, config)).map((s) => s.name);
      const next = applicable.find((name) => !done.has(name)) ?? null;
      const m = checkedJson(db, IterationMetricsSchema.partial().nullable(), iteration.metrics, `iteration ${iteration.index}: metrics`);
      return {
        index: iteration.index,
        stage: failed?.stage ?? next ?? applicable[applicable.length - 1] ?? null,
        status: iteration.status,
        error: failed?.error ?? null,
        metrics: {
          rerank_pass1: m?.rerank_pass1 ?? null,
          random_pass1: m?.random_pass1 ?? null,
          oracle_passn: m?.oracle_passn ?? null,
          gap_closed: m?.gap_closed ?? null,
          reranker_auc: m?.reranker_auc ?? null,
          hard_negatives: listMined(db, iteration.id, 'hard-negative').length,
          disputed: listMined(db, iteration.id, 'disputed').length,
          best_free_baseline: bestFreeBaseline(m?.baselines),
          agreement_pass1: m?.baselines?.agreement ?? null,
          agreement_rerank_pass1: m?.baselines?.agreement_rerank ?? null,
        },
      };
    }),
  };
}

/** The status as a fixed-width table for the terminal. */
export function formatStatus(status: RunStatus): string {
  const f = (x: number | null): string => (x === null ? '-' : x.toFixed(3));
  const header = ['iter', 'status', 'stage', 'rerank@1', 'best free@1', 'agree@1', 'agree+rr@1', 'random@1', 'oracle@N', 'gap', 'AUC', 'hard neg', 'disputed'];
  const best = (b: { name: string; pass1: number } | null): string => (b === null ? '-' : `${b.pass1.toFixed(3)} ${b.name}`);
  const rows = status.iterations.map((i) => [
    String(i.index),
    i.status,
    i.stage ?? '-',
    f(i.metrics.rerank_pass1),
    best(i.metrics.best_free_baseline),
    f(i.metrics.agreement_pass1),
    f(i.metrics.agreement_rerank_pass1),
    f(i.metrics.random_pass1),
    f(i.metrics.oracle_passn),
    f(i.metrics.gap_closed),
    f(i.metrics.reranker_auc),
    String(i.metrics.hard_negatives),
    String(i.metrics.disputed),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const errors = status.iterations.filter((i) => i.error).map((i) => `iteration ${i.index} failed in ${i.stage}: ${i.error}`);
  return [line(header), ...rows.map(line), ...errors].join('\n');
}
