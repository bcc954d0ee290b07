import { z } from 'zod';
import { defaultModels } from '../default-config';

export const tokenizerConfigSchema = z
  .object({
    vocabSize: z.number().int().min(259).max(65_536).default(defaultModels.tokenizerVocab).describe('BPE vocabulary of a from-scratch model'),
  })
  .strict();
export type TokenizerConfig = z.output<typeof tokenizerConfigSchema>;
