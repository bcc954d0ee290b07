/**
 * The engine's checks for a GPU machine, one at a time by name, each comparing the provider with the CPU
 * provider on the same program: a primitive op's forward and gradient, a transformer's prefill logits and
 * training steps, the micro-batch path, the K-step Loop program, and the resident path (parameters, moments and
 * the KV cache kept in device memory between runs, read back through the copy program). scripts/gpu-check.sh
 * runs each in its own process (a native abort then fails one check, not the list) and prints one line per result.
 */
import { grad } from '../../core/engine/autodiff';
import { attention, causalMask, crossEntropy, gelu, layerNorm, maskBias, mean, rmsNorm, silu } from '../../core/engine/composites';
import { emitProgram } from '../../core/engine/emit';
import { Engine } from '../../core/engine/engine';
import type { Tensor } from '../../core/engine/graph';
import { concat, exp, gather, input, logSoftmax, matmul, mul, reshape, relu, sigmoid, slice, softmax, sum, tanh, transpose, where, greater } from '../../core/engine/ops';
import type { HostTensor, ProviderName } from '../../core/engine/protocol';
import { verifyProvider } from '../../core/engine/provider-check';
import { Rng } from '../../core/engine/rng';
import { Trainer, type TrainSpec } from '../../core/engine/trainer';
import { prefillProgram, uploadModel, feedsFor } from '../../core/models/programs';
import { decodeSteps } from '../../core/models/sampling';
import { lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../core/models/transformer';

export interface CheckResult {
  ok: boolean;
  detail: string;
}

const f32 = (rng: Rng, dims: number[]): HostTensor => ({ dtype: 'float32', dims, data: rng.normal(dims.reduce((a, b) => a * b, 1)) });
const i64 = (values: number[], dims: number[]): HostTensor => ({ dtype: 'int64', dims, data: BigInt64Array.from(values, BigInt) });

/** Largest |a - b| / (|b| + 1e-3) over every fetched output. */
function worst(a: Record<string, HostTensor>, b: Record<string, HostTensor>): number {
  let w = 0;
  for (const [k, t] of Object.entries(b)) {
    const x = a[k]!.data as Float32Array;
    (t.data as Float32Array).forEach((y, i) => (w = Math.max(w, Math.abs(x[i]! - y) / (Math.abs(y) + 1e-3))));
  }
  return w;
}

/** A unary op on x [4, 6, 8] with its gradient under a random cotangent. */
const ops: Record<string, (x: Tensor) => Tensor> = {
  matmul: (x) => matmul(x, transpose(x, [0, 2, 1])),
  softmax: (x) => softmax(x, -1),
  logSoftmax: (x) => logSoftmax(x, -1),
  layerNorm: (x) => layerNorm(x, input('w', [8]), input('b', [8])),
  rmsNorm: (x) => rmsNorm(x, input('w', [8])),
  gelu: (x) => gelu(x),
  silu: (x) => silu(x),
  exp: (x) => exp(mul(x, 0.5)),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  relu: (x) => relu(x),
  where: (x) => where(greater(x, 0), x, mul(x, 0.1)),
  reshape: (x) => reshape(x, [4, 48]),
  'concat+slice': (x) => concat([slice(x, 2, 0, 3), slice(x, 2, 5)], 2),
  sum: (x) => sum(x, [1]),
  mean: (x) => mean(x, [2], true),
  attention: (x) => {
    const q = reshape(x, [1, 4, 6, 8]);
    return attention(q, q, q, maskBias(causalMask(q)));
  },
  crossEntropy: (x) => crossEntropy(x, input('targets', [4, 6], 'int64')),
  'gather (embedding)': (x) => gather(reshape(x, [24, 8]), input('ids', [5], 'int64')),
};

async function opCheck(provider: ProviderName, name: string): Promise<CheckResult> {
  const rng = new Rng(11);
  const x = input('x', [4, 6, 8]);
  const y = ops[name]!(x);
  const cot = input('cot', y.shape as number[]);
  const [gx] = grad(sum(mul(y, cot), [...Array(y.rank).keys()]), [x]);
  const program = emitProgram({ y, gx: gx! }, { name: `op_${name}` });
  const feeds: Record<string, HostTensor> = { x: f32(rng, [4, 6, 8]), cot: f32(rng, y.shape as number[]) };
  for (const i of program.inputs) {
    if (i.name === 'w') feeds.w = f32(rng, [8]);
    if (i.name === 'b') feeds.b = f32(rng, [8]);
    if (i.name === 'targets') feeds.targets = i64(Array.from({ length: 24 }, () => rng.int(8)), [4, 6]);
    if (i.name === 'ids') feeds.ids = i64([0, 3, 7, 23, 3], [5]);
  }
  const run = async (p: ProviderName): Promise<Record<string, HostTensor>> => {
    const engine = await Engine.start({ provider: p, intraOpThreads: 1, verified: true, keepOnDevice: true });
    try {
      return await engine.run(program, { feeds, fetch: ['y', 'gx'] });
    } finally {
      await engine.close();
    }
  };
  const w = worst(await run(provider), await run('cpu'));
  return { ok: w < 1e-3, detail: `forward and gradient vs cpu: worst relative difference ${w.toExponential(2)}` };
}

const cfg = transformerConfig({ vocabSize: 64, maxSeqLen: 32, nLayer: 2, nHead: 4, nKvHead: 2, nEmbd: 32 });
const spec = (): TrainSpec => ({ params: transformerParams(cfg, ['lm'], 3), inputs: lmLossInputs, loss: (p, x) => lmLoss(cfg, p, x) });

function lmBatch(rng: Rng, B: number, T: number): Record<string, HostTensor> {
  const tokens = (): number[] => Array.from({ length: B * T }, () => rng.int(cfg.vocabSize));
  return { idx: i64(tokens(), [B, T]), targets: i64(tokens(), [B, T]), mask: { dtype: 'float32', dims: [B, T], data: new Float32Array(B * T).fill(1) } };
}

/** Runs `body` on the provider and on the cpu, each with its own engine. */
async function both<T>(provider: ProviderName, body: (engine: Engine) => Promise<T>): Promise<[T, T]> {
  const out: T[] = [];
  for (const p of [provider, 'cpu'] as const) {
    const engine = await Engine.start({ provider: p, intraOpThreads: 1, verified: true, keepOnDevice: true });
    try {
      out.push(await body(engine));
    } finally {
      await engine.close();
    }
  }
  return [out[0]!, out[1]!];
}

const modelChecks: Record<string, (provider: ProviderName) => Promise<CheckResult>> = {
  'transformer prefill logits': async (provider) => {
    const rng = new Rng(3);
    const params = Object.fromEntries(Object.entries(transformerParams(cfg, ['lm'], 3)).map(([k, s]) => [k, { dtype: 'float32' as const, dims: s.shape, data: s.init }]));
    const B = 3;
    const T = 10;
    const idx = i64(Array.from({ length: B * T }, () => rng.int(cfg.vocabSize)), [B, T]);
    const [a, b] = await both(provider, async (engine) => {
      const model = await uploadModel(engine, cfg, ['lm'], params);
      const program = prefillProgram(model);
      const feeds = {
        ...feedsFor(program, model),
        idx,
        pos: i64(Array.from({ length: B * T }, (_, i) => i % T), [B, T]),
        key_mask: { dtype: 'float32' as const, dims: [B, T], data: new Float32Array(B * T).fill(1) },
        last: i64([T - 1], [1]),
      };
      return engine.run(program, { feeds, fetch: ['logits'] });
    });
    const w = worst(a, b);
    return { ok: w < 1e-3, detail: `logits vs cpu: worst relative difference ${w.toExponential(2)}` };
  },
  'transformer fused AdamW steps': async (provider) => {
    const batches = Array.from({ length: 3 }, (_, i) => lmBatch(new Rng(20 + i), 4, 12));
    const [a, b] = await both(provider, async (engine) => {
      const trainer = await Trainer.create(engine, spec());
      const losses: number[] = [];
      for (const batch of batches) losses.push((await trainer.trainStep(batch, 1e-2)).loss);
      return { losses, params: await trainer.parameters() };
    });
    const w = worst(a.params, b.params);
    const ok = w < 1e-2 && a.losses.every((l, i) => Math.abs(l - b.losses[i]!) < 1e-3 * Math.abs(b.losses[i]!));
    return { ok, detail: `losses [${a.losses.map((l) => l.toFixed(5)).join(', ')}] vs cpu [${b.losses.map((l) => l.toFixed(5)).join(', ')}]; params worst relative difference ${w.toExponential(2)}` };
  },
  'transformer micro-batch step': async (provider) => {
    const micro = [lmBatch(new Rng(30), 2, 12), lmBatch(new Rng(31), 2, 12)];
    const [a, b] = await both(provider, async (engine) => {
      const trainer = await Trainer.create(engine, spec());
      const r = await trainer.trainStep(micro, 1e-2);
      return { loss: r.loss, params: await trainer.parameters() };
    });
    const w = worst(a.params, b.params);
    return { ok: w < 1e-2 && Math.abs(a.loss - b.loss) < 1e-3 * Math.abs(b.loss), detail: `loss ${a.loss.toFixed(5)} vs cpu ${b.loss.toFixed(5)}; params worst relative difference ${w.toExponential(2)}` };
  },
  'K-step Loop program': async (provider) => {
    const batches = Array.from({ length: 4 }, (_, i) => lmBatch(new Rng(40 + i), 4, 12));
    const lrs = [1e-2, 2e-2, 1e-2, 5e-3];
    const [looped] = await both(provider, async (engine) => {
      const trainer = await Trainer.create(engine, spec());
      await trainer.trainSteps(batches, lrs);
      return trainer.parameters();
    });
    const [single] = await both('cpu', async (engine) => {
      const trainer = await Trainer.create(engine, spec());
      for (let i = 0; i < 4; i++) await trainer.trainStep(batches[i]!, lrs[i]!);
      return trainer.parameters();
    });
    const w = worst(looped, single);
    return { ok: w < 1e-2, detail: `4 steps in one run vs 4 single steps on cpu: params worst relative difference ${w.toExponential(2)}` };
  },
  'resident training chain': async (provider) => {
    const K = 8;
    const batches = Array.from({ length: K }, (_, i) => lmBatch(new Rng(50 + i), 4, 12));
    const [a, b] = await both(provider, async (engine) => {
      const trainer = await Trainer.create(engine, spec());
      const losses: number[] = [];
      for (const batch of batches) losses.push((await trainer.trainStep(batch, 1e-2)).loss);
      const feeds = Object.values(trainer.parameterFeeds());
      const where = await engine.locations(feeds.flatMap((f) => ('resident' in f ? [f.resident] : [])));
      const state = await trainer.state();
      return { losses, tensors: state.tensors, where: [...new Set(Object.values(where))].join('/') };
    });
    const w = worst(a.tensors, b.tensors);
    const lossGap = Math.max(...a.losses.map((l, i) => Math.abs(l - b.losses[i]!) / Math.abs(b.losses[i]!)));
    const kept = provider === 'webgpu' ? a.where === 'gpu-buffer' : a.where === 'cpu';
    return {
      ok: kept && w < 1e-2 && lossGap < 1e-3,
      detail: `${K} steps, parameters kept in ${a.where} memory; losses vs cpu worst relative difference ${lossGap.toExponential(2)}; params and moments read back ${w.toExponential(2)}`,
    };
  },
  'resident KV-cache decode': async (provider) => {
    const params = Object.fromEntries(Object.entries(transformerParams(cfg, ['lm'], 5)).map(([k, s]) => [k, { dtype: 'float32' as const, dims: s.shape, data: s.init }]));
    const prompts = [[1, 2, 3, 4, 5, 6], [7, 8, 9], [10, 11, 12, 13], [14]];
    const [a, b] = await both(provider, async (engine) => {
      const model = await uploadModel(engine, cfg, ['lm'], params);
      // Where the cache lives: one prefill keeping its present.* outputs, as decodeSteps does.
      const prefill = prefillProgram(model);
      const T = 4;
      await engine.run(prefill, {
        feeds: {
          ...feedsFor(prefill, model),
          idx: i64([1, 2, 3, 4], [1, T]),
          pos: i64([0, 1, 2, 3], [1, T]),
          key_mask: { dtype: 'float32' as const, dims: [1, T], data: new Float32Array(T).fill(1) },
          last: i64([T - 1], [1]),
        },
        keep: { 'present.0.k': 'probe/k', 'present.0.v': 'probe/v' },
        fetch: ['logits'],
      });
      const weight = Object.values(model.feeds).flatMap((f) => ('resident' in f ? [f.resident] : []))[0]!;
      const places = await engine.locations(['probe/k', weight]);
      const where = `${places['probe/k']} memory, weights put in ${places[weight]}`;
      const cacheRead = await engine.get(['probe/k']);
      await engine.drop(['probe/k', 'probe/v']);
      const tokens: number[][] = [];
      const logits: Float32Array[] = [];
      await decodeSteps(engine, model, prompts, 0, 12, (l) => {
        logits.push(l.slice());
        const V = cfg.vocabSize;
        const next = prompts.map((_, r) => {
          let best = 0;
          for (let v = 1; v < V; v++) if (l[r * V + v]! > l[r * V + best]!) best = v;
          return best;
        });
        tokens.push(next);
        return next;
      });
      return { tokens, logits, where, cacheRead };
    });
    let w = worst(a.cacheRead, b.cacheRead);
    a.logits.forEach((l, i) => (w = Math.max(w, worst({ l: { dtype: 'float32', dims: [l.length], data: l } }, { l: { dtype: 'float32', dims: [l.length], data: b.logits[i]! } }))));
    const same = JSON.stringify(a.tokens) === JSON.stringify(b.tokens);
    const kept = a.where === (provider === 'webgpu' ? 'gpu-buffer memory, weights put in gpu-buffer' : 'cpu memory, weights put in cpu');
    return {
      ok: kept && same && w < 1e-3,
      detail: `batch ${prompts.length}, ${a.tokens.length} steps, cache kept in ${a.where}; greedy tokens ${same ? 'equal' : 'differ from'} the cpu's; logits and cache read back worst relative difference ${w.toExponential(2)}`,
    };
  },
};

export const checkNames = ['provider check', ...Object.keys(ops).map((o) => `op ${o}`), ...Object.keys(modelChecks)];

export async function runCheck(provider: ProviderName, name: string): Promise<CheckResult> {
  if (name === 'provider check') {
    const c = await verifyProvider(provider);
    return { ok: c.ok, detail: `${c.detail} (${c.ms} ms)` };
  }
  if (name.startsWith('op ') && name.slice(3) in ops) return opCheck(provider, name.slice(3));
  const model = modelChecks[name];
  if (!model) throw new Error(`no check named '${name}' (known: ${checkNames.join(', ')})`);
  return model(provider);
}
