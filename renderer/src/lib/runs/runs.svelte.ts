import type { ApiClient } from '../../../../core/api/client';
import type { MethodResult, EventPayload } from '../../../../core/api/contract';
import { messageOf } from '../errors';

type RunSummary = MethodResult<'runs.list'>[number];
type RunStatus = NonNullable<MethodResult<'runs.status'>>;
type LoopState = MethodResult<'loop.state'>;
type Progress = EventPayload<'loop.progress'>;
type Summary = EventPayload<'loop.summary'>;
type ConfigFile = MethodResult<'configs.list'>[number];
export type IterationDetail = MethodResult<'iterations.detail'>;

/** One stage of one iteration as the loop reported it in this session. */
export interface StageRecord {
  stage: string;
  state: 'started' | 'done' | 'skipped';
  durationS: number | null;
  startedAt: number;
}

/**
 * The runs of the workspace, the chosen one, and the loop that may be running on it: start, cancel, and the live
 * per-stage progress that fills the timeline while it runs.
 */
export class RunsState {
  runs = $state.raw<RunSummary[]>([]);
  selected = $state<string | null>(null);
  status = $state.raw<RunStatus | null>(null);
  loop = $state.raw<LoopState>({ running: false, run: null, error: null });
  configs = $state.raw<ConfigFile[]>([]);
  /** Per iteration, the stages seen since this page opened, in order. */
  stages = $state.raw<Record<number, StageRecord[]>>({});
  /** The latest progress of each running stage, keyed `iteration:stage`. */
  progress = $state.raw<Record<string, Progress>>({});
  /** Per iteration, what the store holds beside its metrics: stage timings, settings against the previous one, PPO. */
  details = $state.raw<Record<number, IterationDetail>>({});
  summary = $state.raw<Summary | null>(null);
  message = $state<string | null>(null);
  loaded = $state(false);
  /** Bumped whenever stored results may have changed (an iteration or stage ended), so views reload. */
  revision = $state(0);

  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly client: ApiClient) {
    this.unsubscribe.push(
      client.on('loop.state', (state) => {
        this.loop = state;
        if (!state.running) void this.refresh();
      }),
      client.on('loop.stage', (event) => {
        if (event.run !== this.selected) return;
        const list = [...(this.stages[event.iteration] ?? [])];
        const at = list.findIndex((s) => s.stage === event.stage);
        const record: StageRecord = {
          stage: event.stage,
          state: event.state,
          durationS: event.durationS ?? null,
          startedAt: at >= 0 ? list[at]!.startedAt : Date.now(),
        };
        if (event.state === 'done' && record.durationS === null && at >= 0) record.durationS = (Date.now() - list[at]!.startedAt) / 1000;
        if (at >= 0) list[at] = record;
        else list.push(record);
        this.stages = { ...this.stages, [event.iteration]: list };
        if (event.state !== 'started') void this.refresh();
      }),
      client.on('loop.progress', (event) => {
        if (event.run !== this.selected) return;
        this.progress = { ...this.progress, [`${event.iteration}:${event.stage}`]: event };
      }),
      client.on('loop.summary', (event) => {
        if (event.run !== this.selected || event.iteration !== null) return;
        this.summary = event;
      }),
    );
  }

  async load(): Promise<void> {
    try {
      const [runs, loop, configs] = await Promise.all([
        this.client.call('runs.list'),
        this.client.call('loop.state'),
        this.client.call('configs.list').catch(() => []),
      ]);
      this.runs = runs;
      this.loop = loop;
      this.configs = configs;
      const remembered = localStorage.getItem('rewardranker.run');
      const pick = runs.find((r) => r.name === remembered)?.name ?? loop.run ?? runs[0]?.name ?? null;
      if (pick) await this.select(pick);
    } catch (err) {
      this.message = messageOf(err);
    } finally {
      this.loaded = true;
    }
  }

  async select(name: string): Promise<void> {
    if (name !== this.selected) {
      this.stages = {};
      this.details = {};
      this.progress = {};
      this.summary = null;
    }
    this.selected = name;
    localStorage.setItem('rewardranker.run', name);
    this.status = await this.client.call('runs.status', { run: name });
    await this.loadDetails();
  }

  /** Every iteration's stored detail (a handful of iterations: one small call each, side by side). */
  private async loadDetails(): Promise<void> {
    const run = this.selected;
    const indices = this.status?.iterations.map((i) => i.index) ?? [];
    const details = await Promise.all(indices.map((iteration) => this.client.call('iterations.detail', { run: run!, iteration }).catch(() => null)));
    if (run !== this.selected) return;
    this.details = Object.fromEntries(indices.flatMap((index, i) => (details[i] ? [[index, details[i]]] : [])));
  }

  /** Re-reads the list and the chosen run's status; the stored results changed. */
  async refresh(): Promise<void> {
    try {
      this.runs = await this.client.call('runs.list');
      if (this.selected) {
        this.status = await this.client.call('runs.status', { run: this.selected });
        await this.loadDetails();
      }
      this.revision++;
    } catch (err) {
      this.message = messageOf(err);
    }
  }

  /** `more` iterations beyond the finished ones; with a config file, a new run of that name. */
  async start(options: { more?: number; configFile?: string; run?: string }): Promise<void> {
    this.message = null;
    this.summary = null;
    const run = options.run ?? this.selected ?? 'default';
    try {
      this.loop = await this.client.call('loop.start', {
        run,
        ...(options.more === undefined ? {} : { more: options.more }),
        ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
      });
      if (run !== this.selected) {
        await this.refresh();
        await this.select(run);
      }
    } catch (err) {
      this.message = messageOf(err);
    }
  }

  async cancel(): Promise<void> {
    try {
      this.loop = await this.client.call('loop.cancel');
    } catch (err) {
      this.message = messageOf(err);
    }
  }

  /** The stage now running on the selected run, with its latest progress. */
  get current(): Progress | null {
    if (!this.loop.running || this.loop.run !== this.selected) return null;
    const values = Object.values(this.progress);
    return values.at(-1) ?? null;
  }

  close(): void {
    this.unsubscribe.forEach((off) => off());
  }
}
