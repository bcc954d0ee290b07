import { expect, test } from 'vitest';
import { completionMask, rewardTokens } from '../../../core/models/reward-rows';
import { specialIds, trainTokenizer } from '../../../core/models/tokenizers';

const tokenizer = trainTokenizer(['def add(a, b):\n', '    return a + b\n'], { vocabSize: 300 });
const special = specialIds(tokenizer);
const item = { prompt: 'def add(a, b):\n', completion: '    return a + b\n' };

test("a row is bos + prompt + completion + eos, and the log-prob term's span starts at the completion", () => {
  const prompt = tokenizer.encode(item.prompt);
  const completion = tokenizer.encode(item.completion);
  const row = rewardTokens(tokenizer, special, item, 256);
  expect(row.ids).toEqual([special.bos, ...prompt, ...completion, special.eos]);
  expect(row.completionStart).toBe(1 + prompt.length);
});

test('a cut keeps eos last, and a prompt that fills the row leaves only eos in the span', () => {
  const prompt = tokenizer.encode(item.prompt);
  const cut = rewardTokens(tokenizer, special, item, prompt.length + 3);
  expect(cut.ids).toHaveLength(prompt.length + 3);
  expect(cut.ids.at(-1)).toBe(special.eos);
  expect(cut.completionStart).toBe(1 + prompt.length);
  const full = rewardTokens(tokenizer, special, item, 4);
  expect(full.ids).toHaveLength(4);
  expect(full.completionStart).toBe(3);
});

test('the completion mask marks each row from its completion to its end, never the prompt or the padding', () => {
  const mask = completionMask([
    { ids: [1, 2, 3, 4, 5], completionStart: 2 },
    { ids: [1, 2, 3], completionStart: 1 },
  ]);
  expect(mask.dims).toEqual([2, 5]);
  expect(Array.from(mask.data as Float32Array)).toEqual([0, 0, 1, 1, 1, 0, 1, 1, 0, 0]);
});
