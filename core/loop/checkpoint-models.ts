/**
 * The loop started from Hugging Face checkpoints (the run config's `model` section): the models' configs as the
 * checkpoints give them, the LoRA targets, the memory check before anything runs, and the tokenizer files the run
 * keeps beside its own checkpoints.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loraTargetNames } from '../models/adapters';
import { readHfConfig } from '../models/hf-import';
import { assertFits, estimateMemory, type MemoryEstimate } from '../models/memory-estimate';
import type { Head, TransformerConfig } from '../models/transformer';
import type { RunConfig } from './run-config';

/** The generator's and the reranker's checkpoint folders (absolute), or null for a from-scratch run. */
export function checkpointFolders(config: RunConfig): { generator: string; reranker: string } | null {
  const { generator, reranker } = config.model;
  if (generator === null) return null;
  return { generator: resolve(generator), reranker: resolve(reranker ?? generator) };
}

/** The adapters' scale (alpha / r, as PEFT scales them) for a LoRA run's model configs; nothing for full training. */
export function loraScaleOf(config: RunConfig): { loraScale?: number } {
  return config.model.train === 'lora' ? { loraScale: config.model.lora.alpha / config.model.lora.rank } : {};
}

/** The generator's config: the checkpoint's, with the adapters' scale of a LoRA run. */
export function generatorConfig(config: RunConfig, dir: string): TransformerConfig {
  return { ...readHfConfig(dir, { maxSeqLen: config.model.maxSeqLen }), ...loraScaleOf(config) };
}

/** The reranker's config: the checkpoint's, with the run's log-prob weight where the LM head is the embedding's. */
export function rerankerConfig(config: RunConfig, dir: string): TransformerConfig {
  const cfg = readHfConfig(dir, { maxSeqLen: config.model.maxSeqLen });
  return { ...cfg, rewardLogProbWeight: cfg.tieEmbeddings ? config.reranker.rewardLogProbWeight : 0, ...loraScaleOf(config) };
}

/** LoRA settings for a trainer, or undefined for full training. */
export function loraOf(config: RunConfig, model: TransformerConfig, heads: readonly Head[]): { rank: number; targets: string[] } | undefined {
  if (config.model.train !== 'lora') return undefined;
  return { rank: config.model.lora.rank, targets: loraTargetNames(model, config.model.lora.targets, heads) };
}

/** What SFT, sampling and reranker training will hold at their peak; refuses in one line when it will not fit. */
export function checkMemory(config: RunConfig, folders: { generator: string; reranker: string }): MemoryEstimate {
  const gen = generatorConfig(config, folders.generator);
  const rr = rerankerConfig(config, folders.reranker);
  const seqLen = Math.min(config.sft.maxLength, config.model.maxSeqLen);
  const lora = (cfg: TransformerConfig, heads: Head[]) =>
    config.model.train === 'lora' ? { loraRank: config.model.lora.rank, loraTargets: loraTargetNames(cfg, config.model.lora.targets, heads) } : { loraRank: null, loraTargets: [] };
  const sft = estimateMemory(gen, {
    ...lora(gen, ['lm']),
    batch: Math.ceil(config.sft.batchSize / config.sft.microBatches),
    seqLen,
    sampleRows: config.sampling.rowsPerBatch,
    samplePositions: config.model.maxSeqLen,
  });
  const reward = estimateMemory(
    rr,
    { ...lora(rr, ['reward']), batch: 2 * config.reward.batchPairs, seqLen: Math.min(config.reward.maxLength, config.model.maxSeqLen), sampleRows: 0, samplePositions: 0 },
    ['reward'],
  );
  const peak = sft.totalBytes >= reward.totalBytes ? sft : reward;
  const limit = config.model.memoryLimitGb === null ? undefined : config.model.memoryLimitGb * 1024 ** 3;
  assertFits(`run config 'model' (${peak === sft ? folders.generator : folders.reranker})`, peak, limit);
  return peak;
}

/**
 * Copies the checkpoint's tokenizer.json, tokenizer_config.json and generation_config.json to `file`'s folder, so
 * the run's tokenizer (with its special tokens, chat template and end-of-sequence ids) loads like any other.
 */
export function copyTokenizerFiles(dir: string, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(join(dir, 'tokenizer.json'), file);
  for (const name of ['tokenizer_config.json', 'generation_config.json']) {
    if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(dirname(file), name));
  }
}
