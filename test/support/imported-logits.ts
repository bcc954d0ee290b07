import type { Engine } from '../../core/engine/engine';
import type { ImportedModel } from '../../core/models/hf-import';
import { logitsProgram, uploadModel } from '../../core/models/programs';

/**
 * An imported checkpoint's logits for `tokens` beside a reference's (T, V): the largest absolute difference, and the
 * largest reference logit (to scale a tolerance by).
 */
export async function logitsError(engine: Engine, imported: ImportedModel, tokens: number[], reference: number[][]): Promise<{ worst: number; scale: number }> {
  const model = await uploadModel(engine, imported.config, ['lm'], imported.tensors);
  const out = await engine.run(logitsProgram(model), {
    feeds: { ...model.feeds, idx: { dtype: 'int64', dims: [1, tokens.length], data: BigInt64Array.from(tokens, BigInt) } },
    fetch: ['logits'],
  });
  const got = out.logits!.data as Float32Array;
  const V = imported.config.vocabSize;
  let worst = 0;
  let scale = 0;
  reference.forEach((row, t) =>
    row.forEach((want, v) => {
      worst = Math.max(worst, Math.abs(got[t * V + v]! - want));
      scale = Math.max(scale, Math.abs(want));
    }),
  );
  return { worst, scale };
}
