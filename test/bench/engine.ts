/**
 * `rewardranker bench engine [--provider cpu|webgpu] [--size small|medium]`: on the chosen execution provider,
 * (a) an fp32 MatMul (1024^3, and 4096^3 as issue 14's table has it) with operands and product resident in the
 * engine, (b) one AdamW training step of the GPT, fetched per step, and the same steps K at a time as one ONNX
 * Loop run (parameters and moments loop-carried: the way they stay on a GPU), (c) greedy KV-cache decoding (sampling's decodeSteps, the loop the product samples with)
 * tokens/s at batch 1, 8 and 64. Sizes: small = vocab 512, d 256, 4 layers, batch 8 x 128 tokens; medium = vocab
 * 8192, d 768, 12 layers, batch 16 x 512. On the CPU at the small size the same model runs in PyTorch (2 threads)
 * too, rounds interleaved (PyTorch waits while the engine measures and the other way round). Every figure is a median.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { emitProgram } from '../../core/engine/emit';
import { Engine } from '../../core/engine/engine';
import { input, matmul } from '../../core/engine/ops';
import type { HostTensor } from '../../core/engine/protocol';
import { Rng } from '../../core/engine/rng';
import { keepsOnDevice } from '../../core/engine/session-options';
import type { ProviderName } from '../../core/engine/protocol';
import { Trainer } from '../../core/engine/trainer';
import { modelOfTrainer } from '../../core/models/programs';
import { decodeSteps } from '../../core/models/sampling';
import { type TransformerConfig, lmLoss, lmLossInputs, transformerConfig, transformerParams } from '../../core/models/transformer';

/**
 * fp32 FMA peak of the 2-core machines this project is measured on, from the team's FMA-throughput
 * microbenchmark (independent AVX-512 FMA chains on both cores, GFLOP/s counted as 2 per lane per FMA).
 */
export const FMA_PEAK_GFLOPS = 528;

export type BenchSize = 'small' | 'medium';

/** The GPT-2 architecture of the transformer (LayerNorm, learned positions, GELU, tied embeddings), as PyTorch's side has it. */
export interface GPTConfig {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

export const benchSizes: Record<BenchSize, { gpt: GPTConfig; batch: number; seq: number }> = {
  small: { gpt: { vocabSize: 512, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 256 }, batch: 8, seq: 128 },
  medium: { gpt: { vocabSize: 8192, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 }, batch: 16, seq: 512 },
};

const asTransformer = (g: GPTConfig): TransformerConfig =>
  transformerConfig({ arch: 'gpt2', vocabSize: g.vocabSize, maxSeqLen: g.blockSize, nLayer: g.nLayer, nHead: g.nHead, nEmbd: g.nEmbd });


export interface EngineBench {
  provider: ProviderName;
  size: BenchSize;
  /** Whether state stayed in device memory between runs (only WebGPU keeps it there; see session-options.ts). */
  kept_on_device: boolean;
  matmul_gflops: number;
  matmul_4096_gflops: number;
  fma_peak_gflops: number;
  matmul_fraction_of_peak: number;
  train_step_ms: number;
  torch_train_step_ms: number | null;
  train_step_ratio: number | null;
  train_step_fraction_of_peak: number;
  /** Per step, K steps in one run (ONNX Loop), and single steps' time over it. */
  train_k_steps: number;
  train_k_step_ms: number;
  train_k_speedup: number;
  decode_tok_s_b1: number;
  decode_tok_s_b8: number;
  decode_tok_s_b64: number;
  torch_decode_tok_s_b1: number | null;
  torch_decode_tok_s_b8: number | null;
  torch_missing_reason: string | null;
  rounds: number;
  config: { gpt: GPTConfig; batch: number; seq: number; prompt: number; new_tokens: number; threads: number };
  load_average: number[];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const python = '/usr/bin/python3';

function torchScript(): string {
  for (const rel of ['./engine_torch.py', '../../test/bench/engine_torch.py']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error('engine_torch.py not found beside the benchmark (test/bench/engine_torch.py)');
}

/** The PyTorch side as a child process answering one command per line. */
class TorchSide {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(cfg: GPTConfig): Promise<TorchSide> {
    const env = { ...process.env };
    // Full-speed OpenBLAS (libopenblas0-openmp) picks its kernels itself; the sandbox's overrides slow it down.
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const args = [torchScript(), ...[cfg.vocabSize, cfg.blockSize, cfg.nLayer, cfg.nHead, cfg.nEmbd].map(String)];
    const child = spawn(python, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`PyTorch side exited: ${stderr.trim().split('\n').at(-1) ?? ''}`);
    return new TorchSide(child, lines);
  }

  async ask(command: string): Promise<number[]> {
    this.child.stdin.write(`${command}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error(`PyTorch side exited during '${command}'`);
    return JSON.parse(r.value) as number[];
  }

  close(): void {
    this.child.stdin.end();
  }
}

export function torchMissingReason(): string | null {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'pipe' });
    return null;
  } catch {
    return `${python} cannot import torch: install Debian's python3-torch (scripts/install-system.sh)`;
  }
}

const i64 = (values: ArrayLike<number>, dims: number[]): HostTensor => ({
  dtype: 'int64',
  dims,
  data: BigInt64Array.from(Array.from(values), BigInt),
});

function randomBatch(rng: Rng, cfg: GPTConfig, B: number, T: number): Record<string, HostTensor> {
  const tokens = Array.from({ length: B * (T + 1) }, () => rng.int(cfg.vocabSize));
  const idx: number[] = [];
  const targets: number[] = [];
  for (let b = 0; b < B; b++) {
    idx.push(...tokens.slice(b * (T + 1), b * (T + 1) + T));
    targets.push(...tokens.slice(b * (T + 1) + 1, (b + 1) * (T + 1)));
  }
  return { idx: i64(idx, [B, T]), targets: i64(targets, [B, T]), mask: { dtype: 'float32', dims: [B, T], data: new Float32Array(B * T).fill(1) } };
}

/** FLOPs of one training step: 6 per parameter-token for the matmuls plus attention's 12·L·T·d per token. */
function trainFlops(cfg: GPTConfig, B: number, T: number): number {
  const C = cfg.nEmbd;
  const matmulParams = cfg.nLayer * 12 * C * C + cfg.vocabSize * C;
  return 6 * B * T * matmulParams + 12 * cfg.nLayer * B * T * T * C;
}

export interface BenchEngineOptions {
  rounds?: number;
  log?: (line: string) => void;
  provider?: ProviderName;
  size?: BenchSize;
  threads?: number;
  /** Steps per Loop run for the K-step figure. */
  k?: number;
  /** The engine's keepOnDevice (default true): false places every output in CPU memory on a GPU too. */
  keepOnDevice?: boolean;
}

export async function benchEngine(options: BenchEngineOptions = {}): Promise<EngineBench> {
  const rounds = options.rounds ?? 7;
  const log = options.log ?? (() => undefined);
  const provider = options.provider ?? 'cpu';
  const size = options.size ?? 'small';
  const { gpt: cfg, batch: B, seq: T } = benchSizes[size];
  const [prompt, newTokens, threads, K] = [16, 64, options.threads ?? 2, options.k ?? 4];
  const keepOnDevice = options.keepOnDevice ?? true;
  const engine = await Engine.start({ provider, intraOpThreads: threads, keepOnDevice });
  // PyTorch is the CPU baseline of the small size; elsewhere its figures are null, saying why.
  const missing = provider !== 'cpu' || size !== 'small' ? `PyTorch runs beside the cpu provider at the small size only` : torchMissingReason();
  const torch = missing ? null : await TorchSide.start(cfg);
  try {
    // (a) MatMul: operands resident in the worker, the product kept there too, so only the compute is timed.
    const rng = new Rng(1);
    const matmulRate = async (n: number, runs: number): Promise<number> => {
      const mm = emitProgram({ c: matmul(input('a', [n, n]), input('b', [n, n])) }, { name: `matmul${n}` });
      await engine.put({ 'bench/a': { dtype: 'float32', dims: [n, n], data: rng.normal(n * n) }, 'bench/b': { dtype: 'float32', dims: [n, n], data: rng.normal(n * n) } });
      const mmRun = () => engine.run(mm, { feeds: { a: { resident: 'bench/a' }, b: { resident: 'bench/b' } }, keep: { c: 'bench/c' } });
      await mmRun();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await mmRun();
        times.push(performance.now() - t0);
      }
      await engine.drop(['bench/a', 'bench/b', 'bench/c']);
      await engine.unload(mm);
      const gflops = (2 * n ** 3) / (median(times) * 1e6);
      log(`matmul ${n}^3: ${median(times).toFixed(2)} ms, ${gflops.toFixed(0)} GFLOP/s`);
      return gflops;
    };
    const matmulGflops = await matmulRate(1024, 5 * rounds);
    const matmul4096Gflops = await matmulRate(4096, Math.max(3, Math.ceil(rounds / 2)));

    // (b) AdamW steps of the GPT: one per run (interleaved with PyTorch's), then K per run.
    const tcfg = asTransformer(cfg);
    const trainer = await Trainer.create(engine, {
      params: transformerParams(tcfg, ['lm'], 0),
      inputs: lmLossInputs,
      loss: (p, x) => lmLoss(tcfg, p, x),
    });
    const data = new Rng(2);
    for (let i = 0; i < 2; i++) await trainer.trainStep(randomBatch(data, cfg, B, T), 3e-4);
    await torch?.ask(`train ${B} ${T} 2`);
    const stepTimes: number[] = [];
    const torchStepTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const batch = randomBatch(data, cfg, B, T);
      const t0 = performance.now();
      await trainer.trainStep(batch, 3e-4);
      stepTimes.push(performance.now() - t0);
      if (torch) torchStepTimes.push(...(await torch.ask(`train ${B} ${T} 1`)));
    }
    const trainMs = median(stepTimes);
    const torchTrainMs = torch ? median(torchStepTimes) : null;
    log(`train step: ${trainMs.toFixed(1)} ms${torchTrainMs ? `, PyTorch ${torchTrainMs.toFixed(1)} ms` : ''}`);
    const kBatches = (): Record<string, HostTensor>[] => Array.from({ length: K }, () => randomBatch(data, cfg, B, T));
    const lrs = new Array<number>(K).fill(3e-4);
    await trainer.trainSteps(kBatches(), lrs);
    const kTimes: number[] = [];
    for (let r = 0; r < Math.max(3, Math.ceil(rounds / 2)); r++) {
      const batches = kBatches();
      const t0 = performance.now();
      await trainer.trainSteps(batches, lrs);
      kTimes.push((performance.now() - t0) / K);
    }
    const kStepMs = median(kTimes);
    log(`train, ${K} steps per run (ONNX Loop): ${kStepMs.toFixed(1)} ms per step (${(trainMs / kStepMs).toFixed(2)}x single steps)`);

    // (c) greedy decoding with the KV cache.
    const shapes = Object.fromEntries(Object.entries(transformerParams(tcfg, ['lm'], 0)).map(([k, s]) => [k, s.shape]));
    const model = modelOfTrainer(trainer, tcfg, ['lm'], shapes);
    const V = cfg.vocabSize;
    const greedy = (logits: Float32Array): number[] =>
      Array.from({ length: logits.length / V }, (_, b) => {
        let best = 0;
        for (let v = 1; v < V; v++) if (logits[b * V + v]! > logits[b * V + best]!) best = v;
        return best;
      });
    const decodeRate = async (batch: number): Promise<number> => {
      const prompts = Array.from({ length: batch }, () => Array.from({ length: prompt }, () => data.int(cfg.vocabSize)));
      const t0 = performance.now();
      await decodeSteps(engine, model, prompts, 0, newTokens, greedy);
      return (batch * newTokens) / ((performance.now() - t0) / 1000);
    };
    const rates: Record<number, number[]> = { 1: [], 8: [], 64: [] };
    const torchRates: Record<number, number[]> = { 1: [], 8: [] };
    for (const batch of [1, 8, 64]) {
      await decodeRate(batch);
      const withTorch = torch && batch in torchRates ? torch : null;
      await withTorch?.ask(`decode ${batch} ${prompt} ${newTokens} 1`);
      for (let r = 0; r < (batch === 64 ? Math.max(3, Math.ceil(rounds / 2)) : rounds); r++) {
        rates[batch]!.push(await decodeRate(batch));
        if (withTorch) torchRates[batch]!.push(...(await withTorch.ask(`decode ${batch} ${prompt} ${newTokens} 1`)));
      }
      log(`decode batch ${batch}: ${median(rates[batch]!).toFixed(0)} tok/s${withTorch ? `, PyTorch ${median(torchRates[batch]!).toFixed(0)} tok/s` : ''}`);
    }

    const round = (x: number, d = 1): number => Number(x.toFixed(d));
    return {
      provider,
      size,
      kept_on_device: keepOnDevice && keepsOnDevice(provider),
      matmul_gflops: round(matmulGflops),
      matmul_4096_gflops: round(matmul4096Gflops),
      fma_peak_gflops: FMA_PEAK_GFLOPS,
      matmul_fraction_of_peak: round(matmulGflops / FMA_PEAK_GFLOPS, 3),
      train_step_ms: round(trainMs),
      torch_train_step_ms: torchTrainMs === null ? null : round(torchTrainMs),
      train_step_ratio: torchTrainMs === null ? null : round(trainMs / torchTrainMs, 3),
      train_step_fraction_of_peak: round(trainFlops(cfg, B, T) / (trainMs * 1e6) / FMA_PEAK_GFLOPS, 3),
      train_k_steps: K,
      train_k_step_ms: round(kStepMs),
      train_k_speedup: round(trainMs / kStepMs, 3),
      decode_tok_s_b1: round(median(rates[1]!)),
      decode_tok_s_b8: round(median(rates[8]!)),
      decode_tok_s_b64: round(median(rates[64]!)),
      torch_decode_tok_s_b1: torch ? round(median(torchRates[1]!)) : null,
      torch_decode_tok_s_b8: torch ? round(median(torchRates[8]!)) : null,
      torch_missing_reason: missing,
      rounds,
      config: { gpt: cfg, batch: B, seq: T, prompt, new_tokens: newTokens, threads },
      load_average: loadavg().map((x) => round(x, 2)),
    };
  } finally {
    torch?.close();
    await engine.close();
  }
}
