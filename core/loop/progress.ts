export interface ProgressUpdate {
  stage: string;
  done: number;
  total: number;
  /** Items per second since the stage started. */
  ratePerS: number;
  /** Seconds left at that rate; null until there is a rate. */
  etaS: number | null;
}

/**
 * Counts a long stage's items and reports count/total, rate and ETA: to the terminal at most once a second, and to
 * the API as events (the same numbers), so the CLI and the UI agree.
 */
export class ProgressMeter {
  private done = 0;
  private lastReport = -Infinity;

  constructor(
    readonly stage: string,
    readonly total: number,
    private readonly sink: (update: ProgressUpdate) => void,
    private readonly intervalMs = 1000,
    private readonly started = performance.now(),
  ) {}

  tick(count = 1): void {
    this.done += count;
    const now = performance.now();
    if (this.done >= this.total || now - this.lastReport >= this.intervalMs) {
      this.lastReport = now;
      this.sink(this.snapshot(now));
    }
  }

  snapshot(now = performance.now()): ProgressUpdate {
    const seconds = (now - this.started) / 1000;
    const ratePerS = seconds > 0 ? this.done / seconds : 0;
    const left = this.total - this.done;
    return { stage: this.stage, done: this.done, total: this.total, ratePerS, etaS: ratePerS > 0 ? left / ratePerS : null };
  }
}

/** "execute 120/960 (12%) 41.2/s ETA 20s": one terminal line per update. */
export function formatProgress(update: ProgressUpdate): string {
  const pct = update.total > 0 ? Math.floor((100 * update.done) / update.total) : 100;
  const eta = update.etaS === null ? '' : update.done >= update.total ? ' done' : ` ETA ${formatSeconds(update.etaS)}`;
  return `${update.stage} ${update.done}/${update.total} (${pct}%) ${update.ratePerS.toFixed(1)}/s${eta}`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Adapts a trainer's or sampler's cumulative `{done, total}` callbacks to a meter (created at the first one). */
export function meterCallback(stage: string, sink: (update: ProgressUpdate) => void): (p: { done: number; total: number }) => void {
  let meter: ProgressMeter | null = null;
  let reported = 0;
  const started = performance.now();
  return ({ done, total }) => {
    meter ??= new ProgressMeter(stage, total, sink, 1000, started);
    meter.tick(done - reported);
    reported = done;
  };
}
