import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult } from '../../../../core/api/contract';
import { messageOf } from '../errors';

type Metrics = MethodResult<'iterations.metrics'>;
type Series = MethodResult<'metrics.series'>;
type Histogram = MethodResult<'metrics.histogram'>;
type Roc = MethodResult<'metrics.roc'>;

/**
 * The iteration being inspected and the one it is compared with (default: the one before): its metrics with their
 * changes, the figures over all iterations, both iterations' reward histograms on shared bins, and the ROC curve.
 * Everything arrives binned from the core; nothing here touches raw rows.
 */
export class IterationState {
  run = $state<string | null>(null);
  iteration = $state<number | null>(null);
  /** The iteration drawn as the outline; null: none (iteration 0 has no previous). */
  compare = $state<number | null>(null);
  metrics = $state.raw<Metrics | null>(null);
  series = $state.raw<Series>([]);
  histogram = $state.raw<Histogram | null>(null);
  roc = $state.raw<Roc | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  /** Milliseconds from choosing an iteration to having all of its figures (the benchmark reads it). */
  loadMs = $state<number | null>(null);
  /** The iteration whose figures are on screen: the lists and the queue follow it, after the figures (first paint). */
  shown = $state.raw<{ run: string; iteration: number } | null>(null);
  private ticket = 0;

  constructor(private readonly client: ApiClient) {}

  /** Shows `iteration` of `run` (default: its last), comparing with `compare` (default: the one before). */
  async show(run: string, iteration?: number | null, compare?: number | null): Promise<void> {
    const ticket = ++this.ticket;
    const started = performance.now();
    this.loading = true;
    this.error = null;
    try {
      const series = await this.client.call('metrics.series', { run });
      const last = series.at(-1)?.iteration ?? null;
      const chosen = iteration ?? last;
      if (ticket !== this.ticket) return;
      this.run = run;
      this.series = series;
      this.iteration = chosen;
      if (chosen === null) {
        this.metrics = this.histogram = this.roc = null;
        return;
      }
      const against = compare === undefined ? (chosen > 0 ? chosen - 1 : null) : compare;
      this.compare = against;
      const iterations = against === null || against === chosen ? [chosen] : [against, chosen];
      const [metrics, histogram, roc] = await Promise.all([
        this.client.call('iterations.metrics', { run, iteration: chosen }),
        this.client.call('metrics.histogram', { run, iterations }),
        this.client.call('metrics.roc', { run, iteration: chosen }),
      ]);
      if (ticket !== this.ticket) return;
      this.metrics = metrics;
      this.histogram = histogram;
      this.roc = roc;
      this.loadMs = performance.now() - started;
      if (this.shown?.run !== run || this.shown.iteration !== chosen) this.shown = { run, iteration: chosen };
    } catch (err) {
      if (ticket === this.ticket) this.error = messageOf(err);
    } finally {
      if (ticket === this.ticket) this.loading = false;
    }
  }

  reload(): Promise<void> {
    return this.run === null ? Promise.resolve() : this.show(this.run, this.iteration, this.compare);
  }
}
