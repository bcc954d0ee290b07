import type { Stage } from '../stage';
import { evaluateStage } from './evaluate';
import { executeStage } from './execute';
import { generateStage } from './generate';
import { labelLinesStage } from './label-lines';
import { mineStage } from './mine';
import { ppoStage } from './ppo';
import { scoreStage } from './score';
import { sftStage } from './sft';
import { tokenizerStage } from './tokenizer';
import { trainPrmStage } from './train-prm';
import { trainRerankerStage } from './train-reranker';

/**
 * One iteration, in order: policy optimisation (PPO or GRPO against the reranker) follows the reranker's training,
 * and the PRM's (line labels by the current policy, then the PRM on them) when process supervision is on.
 */
export const iterationStages: readonly Stage[] = [
  tokenizerStage,
  sftStage,
  generateStage,
  executeStage,
  scoreStage,
  mineStage,
  trainRerankerStage,
  labelLinesStage,
  trainPrmStage,
  ppoStage,
  evaluateStage,
];
