import type { Stage } from '../stage';
import { evaluateStage } from './evaluate';
import { executeStage } from './execute';
import { generateStage } from './generate';
import { mineStage } from './mine';
import { scoreStage } from './score';
import { sftStage } from './sft';
import { tokenizerStage } from './tokenizer';
import { trainRerankerStage } from './train-reranker';

/**
 * One iteration, in order. Policy optimisation (PPO against the reranker) goes between train-reranker and
 * evaluate, as one more Stage in this list.
 */
export const iterationStages: readonly Stage[] = [
  tokenizerStage,
  sftStage,
  generateStage,
  executeStage,
  scoreStage,
  mineStage,
  trainRerankerStage,
  evaluateStage,
];
