import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../models/checkpoint';
import { readSafetensors } from '../engine/safetensors';
import { exportReranker } from '../models/export';
import { exportPeftAdapters } from '../models/peft-export';
import { TextTokenizer } from '../models/tokenizers';
import { buildPairs } from '../train/pairs';
import { latestCheckpoint, scoresOf } from '../store/loop-records';
import type { Db } from '../store/open-store';
import { listIterations, type RunRow } from '../store/runs';
import { candidateIdsOf, candidatesByIds, scoringCheckpointOf } from '../store/views';
import { type RunConfig, storedRunConfig } from './run-config';
import { stageSeed } from './seeds';
import { judgedCandidates } from './training-candidates';
import { verdictsOf } from './verdicts';

export interface ExportSummary {
  pairs: number;
  candidates: number;
  reranker: string | null;
  /** Folders of PEFT adapters (adapter_config.json + adapter_model.safetensors), for runs that trained LoRA. */
  adapters: string[];
}

/** A LoRA checkpoint of the run as PEFT adapters in `dir`; nothing for a checkpoint of full weights. */
function exportAdapters(checkpointFile: string, config: RunConfig, dir: string, task: 'CAUSAL_LM' | 'SEQ_CLS'): string | null {
  const model = loadModel(checkpointFile);
  if (!model.base) return null;
  const { tensors } = readSafetensors(checkpointFile.replace(/\.(json|safetensors)$/, '') + '.safetensors');
  const { rank: runRank, alpha: runAlpha, targets } = config.model.lora;
  // A PPO policy stores the SFT adapters and its own stacked (twice the run's rank): PEFT's r is the stored rank and
  // alpha keeps the run's alpha / r, so the update PEFT applies is the same.
  const rank = Object.entries(tensors).find(([n]) => n.endsWith('.lora_A'))?.[1].dims[1] ?? runRank;
  const alpha = (runAlpha * rank) / runRank;
  exportPeftAdapters(dir, { tensors, base: model.base, rank, alpha, trainedScale: model.config.loraScale ?? 1, modules: targets, task });
  return dir;
}

/**
 * Everything a run produced, in formats other tools read: the reranker's training pairs in TRL's preference format
 * ({prompt, chosen, rejected}), every candidate with its verdict and score, and the reranker as standalone ONNX.
 */
export function exportRun(db: Db, run: RunRow, outDir: string): ExportSummary {
  mkdirSync(outDir, { recursive: true });
  const config = storedRunConfig(db, run);
  const iterations = listIterations(db, run.id);
  const last = iterations[iterations.length - 1];
  if (!last) throw new Error(`run '${run.name}' has no iterations to export yet`);

  const { judged, texts } = judgedCandidates(db, run.id, last.index);
  const pairs = buildPairs(judged, {
    maxPairsPerProblem: config.reward.maxPairsPerProblem,
    hardNegativeWeight: config.reward.hardNegativeWeight,
    seed: stageSeed(config.seed, last.index, 'reward', config.reward.seed),
  });
  const pairLines = pairs.map((p) => {
    const chosen = texts.get(p.chosen)!;
    const rejected = texts.get(p.rejected)!;
    return JSON.stringify({ prompt: chosen.prompt, chosen: chosen.completion, rejected: rejected.completion, task_id: p.taskId, weight: p.weight });
  });
  writeFileSync(join(outDir, 'pairs.jsonl'), pairLines.join('\n') + (pairLines.length ? '\n' : ''));

  const candidateLines: string[] = [];
  for (const iteration of iterations) {
    const verdicts = verdictsOf(db, run.id, iteration.id);
    const checkpoint = scoringCheckpointOf(db, run.id, iteration.id);
    const scores = checkpoint === null ? new Map<number, number>() : scoresOf(db, iteration.id, checkpoint);
    for (const c of candidatesByIds(db, candidateIdsOf(db, iteration.id))) {
      const verdict = verdicts.get(c.candidateId);
      candidateLines.push(
        JSON.stringify({
          task_id: c.taskId,
          split: c.split,
          iteration: iteration.index,
          sample: c.sampleIdx,
          completion: c.code,
          status: c.status,
          passed: verdict?.passed ?? null,
          verdict_source: verdict?.source ?? null,
          score: scores.get(c.candidateId) ?? null,
        }),
      );
    }
  }
  writeFileSync(join(outDir, 'candidates.jsonl'), candidateLines.join('\n') + (candidateLines.length ? '\n' : ''));

  const checkpoint = latestCheckpoint(db, run.id, 'reranker');
  let reranker: string | null = null;
  if (checkpoint) {
    const model = loadModel(checkpoint.path);
    const tokenizer = TextTokenizer.load(latestCheckpoint(db, run.id, 'tokenizer')!.path);
    reranker = join(outDir, 'reranker.onnx');
    exportReranker(reranker, model.config, model.tensors, tokenizer);
  }
  const adapters: string[] = [];
  const generator = latestCheckpoint(db, run.id, 'generator');
  for (const [c, name, task] of [[generator, 'generator-adapters', 'CAUSAL_LM'], [checkpoint, 'reranker-adapters', 'SEQ_CLS']] as const) {
    const dir = c ? exportAdapters(c.path, config, join(outDir, name), task) : null;
    if (dir) adapters.push(dir);
  }
  return { pairs: pairLines.length, candidates: candidateLines.length, reranker, adapters };
}
