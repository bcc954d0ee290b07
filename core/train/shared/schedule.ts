import { warmupCosine } from '../../engine/adamw';
import type { Schedule } from './optimizer-config';

/** The learning rate of 0-based optimizer step `step`: warm-up, then cosine decay to minLr at config.steps. */
export function learningRate(step: number, config: Schedule): number {
  return warmupCosine(step + 1, { peak: config.lr, min: config.minLr, warmup: config.warmupSteps, total: config.steps });
}
