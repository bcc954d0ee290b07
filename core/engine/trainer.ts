/**
 * A training state that lives in the engine worker: trainable parameters and AdamW moments stay resident there
 * between steps; only batches go in and the loss comes out. Frozen parameters are either initializers inside the
 * programs (small models) or, named in `frozenFeeds`, inputs fed by reference to tensors put in the worker once (a
 * LoRA base: embedding 0.5B frozen weights makes a program take minutes to build, ten times the memory, and runs
 * into protobuf's 2 GiB ceiling). One step is one ONNX run (forward, backward and update); with several micro-batches the gradients
 * are summed by an accumulate program and applied once.
 */
import { type AdamWConfig, type AdamWGraph, adamw, defaultAdamW } from './adamw';
import { grad } from './autodiff';
import { type EmittedGraph, type Program, emitGraph, emitProgram, programOf } from './emit';
import { emitLoopProgram } from './emit-loop';
import type { Engine } from './engine';
import type { DType, Shape, Tensor } from './graph';
import { add, input, mul, param } from './ops';
import type { Feed, HostTensor } from './protocol';

export interface ParamSpec {
  shape: number[];
  init: Float32Array;
  /** Default true. Frozen params never cross the thread boundary: embedded in the programs, or fed by reference. */
  trainable?: boolean;
  /** Weight decay applies to it; default: params of rank >= 2 (nanoGPT's rule). */
  decay?: boolean;
}

export interface TrainSpec {
  params: Record<string, ParamSpec>;
  /** Batch inputs with symbolic dims, so one program serves every batch size and length. */
  inputs: Record<string, { shape: Shape; dtype: DType }>;
  /** The loss, or the loss with scalar metrics computed in the same forward pass (fetched with it, no gradient). */
  loss: (p: Record<string, Tensor>, x: Record<string, Tensor>) => Tensor | LossWithMetrics;
  optimizer?: Partial<AdamWConfig>;
  /**
   * Frozen params fed by reference (name -> a resident tensor in the engine worker) instead of embedded: they are
   * inputs of every program, which then holds only the trainable graph, whatever the size of the frozen base.
   */
  frozenFeeds?: Record<string, Feed>;
}

export interface LossWithMetrics {
  loss: Tensor;
  metrics: Record<string, Tensor>;
}

export interface StepResult {
  loss: number;
  gradNorm: number;
  /** The spec's metrics at this step's weights before the update (averaged over micro-batches). */
  metrics: Record<string, number>;
}

function splitLoss(out: Tensor | LossWithMetrics): LossWithMetrics {
  return 'metrics' in out ? out : { loss: out, metrics: {} };
}

const metricOutputs = (metrics: Record<string, Tensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(metrics).map(([k, t]) => [`metric.${k}`, t]));

/** Everything a checkpoint needs from a trainer (moments are keyed `m.<name>` and `v.<name>`). */
export interface TrainerState {
  step: number;
  tensors: Record<string, HostTensor>;
}

let trainers = 0;

/** The frozen params the programs embed as initializers: those not fed by reference. */
function embeddedFrozen(spec: TrainSpec): Map<string, Float32Array> {
  const frozen = new Map<string, Float32Array>();
  for (const [name, s] of Object.entries(spec.params)) if (s.trainable === false && !(name in (spec.frozenFeeds ?? {}))) frozen.set(name, s.init);
  return frozen;
}

/** The update's outputs: new params and moments under `new.p.` / `new.m.` / `new.v.`, and the gradient norm. */
function optimizerOutputs(opt: AdamWGraph): Record<string, Tensor> {
  const out: Record<string, Tensor> = { gradNorm: opt.gradNorm };
  for (const [n, [np, m, v]] of opt.updates) Object.assign(out, { [`new.p.${n}`]: np, [`new.m.${n}`]: m, [`new.v.${n}`]: v });
  return out;
}

export class Trainer {
  readonly names: string[];
  private step = 0;
  private cachedEval: Program | null = null;
  private cachedLoop: Program | null = null;

  private readonly frozenFeeds: Record<string, Feed>;

  private constructor(
    private readonly engine: Engine,
    private readonly spec: TrainSpec,
    private readonly prefix: string,
    readonly programs: { fused: Program; grads: Program; accumulate: Program; apply: Program },
    private readonly fusedGraph: EmittedGraph,
    private readonly metricNames: string[] = [],
  ) {
    this.names = Object.keys(spec.params).filter((n) => spec.params[n]!.trainable !== false);
    this.frozenFeeds = spec.frozenFeeds ?? {};
  }

  /** The frozen params fed by reference that `program` takes (a loss need not read every one). */
  private frozenFor(program: Program): Record<string, Feed> {
    const out: Record<string, Feed> = {};
    for (const i of program.inputs) if (i.name in this.frozenFeeds) out[i.name] = this.frozenFeeds[i.name]!;
    return out;
  }

  static async create(engine: Engine, spec: TrainSpec): Promise<Trainer> {
    const cfg = { ...defaultAdamW, ...spec.optimizer };
    for (const name of Object.keys(spec.frozenFeeds ?? {})) {
      if (spec.params[name]?.trainable !== false) throw new Error(`trainer: frozenFeeds names '${name}', which is not a frozen parameter`);
    }
    const p: Record<string, Tensor> = {};
    for (const [name, s] of Object.entries(spec.params)) p[name] = param(name, s.shape);
    const frozen = embeddedFrozen(spec);
    const x: Record<string, Tensor> = {};
    for (const [name, s] of Object.entries(spec.inputs)) x[name] = input(name, s.shape, s.dtype);
    const trainable = Object.keys(spec.params).filter((n) => spec.params[n]!.trainable !== false);
    const decays = (n: string): boolean => spec.params[n]!.decay ?? spec.params[n]!.shape.length >= 2;

    const { loss, metrics } = splitLoss(spec.loss(p, x));
    const grads = grad(loss, trainable.map((n) => p[n]!));
    const opt = adamw(
      trainable.map((n, i) => ({ name: n, value: p[n]!, grad: grads[i]!, decay: decays(n) })),
      cfg,
    );
    const extra = metricOutputs(metrics);
    const fusedGraph = emitGraph({ loss, ...extra, ...optimizerOutputs(opt) }, { frozen, name: 'train_step' });
    const fused = programOf(fusedGraph, 'all');

    const gradOut = Object.fromEntries(trainable.map((n, i) => [`g.${n}`, grads[i]!]));
    const gradsProgram = emitProgram({ loss, ...extra, ...gradOut }, { frozen, name: 'grads' });
    const accOut = Object.fromEntries(trainable.map((n, i) => [`g.${n}`, add(input(`acc.${n}`, spec.params[n]!.shape), grads[i]!)]));
    const accumulate = emitProgram({ loss, ...extra, ...accOut }, { frozen, name: 'accumulate' });

    // The apply program: the same AdamW over gradients fed in (summed micro-batch gradients times 1/count).
    const scale = input('gradScale', []);
    const applyParams = trainable.map((n) => ({
      name: n,
      value: param(n, spec.params[n]!.shape),
      grad: mul(input(`acc.${n}`, spec.params[n]!.shape), scale),
      decay: decays(n),
    }));
    const apply = emitProgram(optimizerOutputs(adamw(applyParams, cfg)), { name: 'apply' });

    const t = new Trainer(engine, spec, `trainer${trainers++}/`, { fused, grads: gradsProgram, accumulate, apply }, fusedGraph, Object.keys(extra));
    // Sessions for the accumulation programs are created on first use (engine.run loads lazily).
    await engine.load(fused, { keep: t.stateKeep(), fetch: t.fusedFetch() });
    const initial: Record<string, HostTensor> = {};
    for (const n of trainable) {
      const s = spec.params[n]!;
      initial[`p.${n}`] = { dtype: 'float32', dims: s.shape, data: s.init.slice() };
      initial[`m.${n}`] = { dtype: 'float32', dims: s.shape, data: new Float32Array(s.init.length) };
      initial[`v.${n}`] = { dtype: 'float32', dims: s.shape, data: new Float32Array(s.init.length) };
    }
    await t.putState(initial);
    return t;
  }

  get stepCount(): number {
    return this.step;
  }

  private resident(key: string): { resident: string } {
    return { resident: this.prefix + key };
  }

  private async putState(tensors: Record<string, HostTensor>): Promise<void> {
    await this.engine.put(Object.fromEntries(Object.entries(tensors).map(([k, v]) => [this.prefix + k, v])));
  }

  private stateFeeds(): Record<string, Feed> {
    const feeds: Record<string, Feed> = {};
    for (const n of this.names) {
      feeds[n] = this.resident(`p.${n}`);
      feeds[`m.${n}`] = this.resident(`m.${n}`);
      feeds[`v.${n}`] = this.resident(`v.${n}`);
    }
    return feeds;
  }

  private stateKeep(): Record<string, string> {
    const keep: Record<string, string> = {};
    for (const n of this.names) for (const k of ['p', 'm', 'v']) keep[`new.${k}.${n}`] = `${this.prefix}${k}.${n}`;
    return keep;
  }

  private fusedFetch(): string[] {
    return ['loss', 'gradNorm', ...this.metricNames];
  }

  private scalars(lr: number): Record<string, HostTensor> {
    return {
      lr: { dtype: 'float32', dims: [], data: Float32Array.of(lr) },
      step: { dtype: 'float32', dims: [], data: Float32Array.of(this.step) },
    };
  }

  /**
   * One optimizer step at learning rate `lr`. Several batches are micro-batches: their gradients are averaged
   * (each loss is a mean, so equal-sized micro-batches give the gradient of the whole batch).
   */
  async trainStep(batch: Record<string, HostTensor> | Record<string, HostTensor>[], lr: number): Promise<StepResult> {
    const micro = Array.isArray(batch) ? batch : [batch];
    if (micro.length === 0) throw new Error('trainStep: no batches');
    this.step++;
    if (micro.length === 1) {
      const out = await this.engine.run(this.programs.fused, {
        feeds: { ...micro[0], ...this.frozenFor(this.programs.fused), ...this.stateFeeds(), ...this.scalars(lr) },
        keep: this.stateKeep(),
        fetch: this.fusedFetch(),
      });
      return { loss: out.loss!.data[0] as number, gradNorm: out.gradNorm!.data[0] as number, metrics: this.readMetrics([out]) };
    }
    let loss = 0;
    const outs: Record<string, HostTensor>[] = [];
    const params = Object.fromEntries(this.names.map((n) => [n, this.resident(`p.${n}`)]));
    const accKeep = Object.fromEntries(this.names.map((n) => [`g.${n}`, `${this.prefix}acc.${n}`]));
    for (let i = 0; i < micro.length; i++) {
      const acc = i === 0 ? {} : Object.fromEntries(this.names.map((n) => [`acc.${n}`, this.resident(`acc.${n}`)]));
      const program = i === 0 ? this.programs.grads : this.programs.accumulate;
      const out = await this.engine.run(program, {
        feeds: { ...micro[i], ...this.frozenFor(program), ...params, ...acc },
        keep: accKeep,
        fetch: ['loss', ...this.metricNames],
      });
      loss += out.loss!.data[0] as number;
      outs.push(out);
    }
    const acc = Object.fromEntries(this.names.map((n) => [`acc.${n}`, this.resident(`acc.${n}`)]));
    const out = await this.engine.run(this.programs.apply, {
      feeds: {
        ...this.stateFeeds(),
        ...acc,
        ...this.scalars(lr),
        gradScale: { dtype: 'float32', dims: [], data: Float32Array.of(1 / micro.length) },
      },
      keep: this.stateKeep(),
      fetch: ['gradNorm'],
    });
    await this.engine.drop(this.names.map((n) => `${this.prefix}acc.${n}`));
    return { loss: loss / micro.length, gradNorm: out.gradNorm!.data[0] as number, metrics: this.readMetrics(outs) };
  }

  private readMetrics(outs: Record<string, HostTensor>[]): Record<string, number> {
    const metrics: Record<string, number> = {};
    for (const name of this.metricNames) {
      metrics[name.slice('metric.'.length)] = outs.reduce((s, o) => s + (o[name]!.data[0] as number), 0) / outs.length;
    }
    return metrics;
  }

  /**
   * The K-step program: the fused step as the body of an ONNX Loop, parameters and moments loop-carried, one
   * batch slice and learning rate per iteration (see emit-loop.ts).
   */
  get loopProgram(): Program {
    const carried: Record<string, string> = {};
    for (const n of this.names) for (const k of ['', 'm.', 'v.']) carried[`${k}${n}`] = `new.${k || 'p.'}${n}`;
    this.cachedLoop ??= emitLoopProgram(
      this.fusedGraph,
      { carried, stacked: [...Object.keys(this.spec.inputs), 'lr'], counter: 'step', scanned: { loss: 'losses', gradNorm: 'gradNorms', ...Object.fromEntries(this.metricNames.map((n) => [n, `${n}.steps`])) } },
      { name: 'train_steps' },
    );
    return this.cachedLoop;
  }

  /**
   * K optimizer steps in one run, batch i at learning rate lrs[i]: parameters and moments never leave the run
   * between steps (on a GPU they stay in device memory). Gives the parameters K trainStep calls give; the
   * batches must share their dims, since they are fed stacked.
   */
  async trainSteps(batches: readonly Record<string, HostTensor>[], lrs: readonly number[]): Promise<StepResult[]> {
    const K = batches.length;
    if (K === 0) throw new Error('trainSteps: no batches');
    if (lrs.length !== K) throw new Error(`trainSteps: ${K} batches but ${lrs.length} learning rates`);
    const stacked: Record<string, HostTensor> = {};
    for (const name of Object.keys(this.spec.inputs)) {
      const first = batches[0]![name];
      if (!first) throw new Error(`trainSteps: batch 0 has no input '${name}'`);
      const size = first.data.length;
      const data = new (first.data.constructor as new (n: number) => HostTensor['data'])(size * K);
      batches.forEach((b, i) => {
        const t = b[name];
        if (!t) throw new Error(`trainSteps: batch ${i} has no input '${name}'`);
        if (t.dtype !== first.dtype || t.dims.join() !== first.dims.join()) {
          throw new Error(`trainSteps: input '${name}' of batch ${i} is ${t.dtype}[${t.dims}], batch 0's is ${first.dtype}[${first.dims}] (stacked batches share dims)`);
        }
        (data as Float32Array).set(t.data as Float32Array, i * size);
      });
      stacked[name] = { dtype: first.dtype, dims: [K, ...first.dims], data };
    }
    const out = await this.engine.run(this.loopProgram, {
      feeds: {
        ...stacked,
        ...this.frozenFor(this.loopProgram),
        ...this.stateFeeds(),
        lr: { dtype: 'float32', dims: [K], data: Float32Array.from(lrs) },
        step: { dtype: 'float32', dims: [], data: Float32Array.of(this.step) },
      },
      keep: this.stateKeep(),
      fetch: ['losses', 'gradNorms', ...this.metricNames.map((n) => `${n}.steps`)],
    });
    this.step += K;
    const losses = out.losses!.data as Float32Array;
    const norms = out.gradNorms!.data as Float32Array;
    const metricAt = (i: number): Record<string, number> =>
      Object.fromEntries(this.metricNames.map((n) => [n.slice('metric.'.length), out[`${n}.steps`]!.data[i] as number]));
    return Array.from({ length: K }, (_, i) => ({ loss: losses[i]!, gradNorm: norms[i]!, metrics: metricAt(i) }));
  }

  /** Current trainable parameters (copied out of the worker). */
  async parameters(): Promise<Record<string, HostTensor>> {
    const got = await this.engine.get(this.names.map((n) => `${this.prefix}p.${n}`));
    return Object.fromEntries(this.names.map((n) => [n, got[`${this.prefix}p.${n}`]!]));
  }

  /** Feeds naming this trainer's resident parameters, for other programs (evaluation, decoding) on the same engine. */
  parameterFeeds(): Record<string, Feed> {
    return Object.fromEntries(this.names.map((n) => [n, this.resident(`p.${n}`)]));
  }

  async state(): Promise<TrainerState> {
    const keys = this.names.flatMap((n) => [`p.${n}`, `m.${n}`, `v.${n}`]);
    const got = await this.engine.get(keys.map((k) => this.prefix + k));
    const tensors: Record<string, HostTensor> = {};
    for (const k of keys) tensors[k.startsWith('p.') ? k.slice(2) : k] = got[this.prefix + k]!;
    return { step: this.step, tensors };
  }

  /** Restores a state saved by state(); every trainable tensor must be present with its shape. */
  async restore(state: TrainerState, source = 'state'): Promise<void> {
    const put: Record<string, HostTensor> = {};
    for (const n of this.names) {
      const shape = this.spec.params[n]!.shape;
      for (const [key, dest] of [[n, `p.${n}`], [`m.${n}`, `m.${n}`], [`v.${n}`, `v.${n}`]] as const) {
        const t = state.tensors[key];
        if (!t) throw new Error(`${source}: tensor '${key}' is missing`);
        if (t.dtype !== 'float32' || t.dims.join() !== shape.join()) {
          throw new Error(`${source}: tensor '${key}' is ${t.dtype}[${t.dims}], expected float32[${shape}]`);
        }
        put[dest] = t;
      }
    }
    await this.putState(put);
    this.step = state.step;
  }

  /** Programs for evaluation with the same params: forward only, loss as output. */
  evalProgram(): Program {
    const p: Record<string, Tensor> = {};
    for (const [name, s] of Object.entries(this.spec.params)) p[name] = param(name, s.shape);
    const frozen = embeddedFrozen(this.spec);
    const x: Record<string, Tensor> = {};
    for (const [name, s] of Object.entries(this.spec.inputs)) x[name] = input(name, s.shape, s.dtype);
    return emitProgram({ loss: splitLoss(this.spec.loss(p, x)).loss }, { frozen, name: 'eval' });
  }

  async evaluate(batch: Record<string, HostTensor>): Promise<number> {
    const program = this.evalProgramCached();
    const out = await this.engine.run(program, { feeds: { ...batch, ...this.frozenFor(program), ...this.parameterFeeds() }, fetch: ['loss'] });
    return out.loss!.data[0] as number;
  }

  private evalProgramCached(): Program {
    this.cachedEval ??= this.evalProgram();
    return this.cachedEval;
  }
}
