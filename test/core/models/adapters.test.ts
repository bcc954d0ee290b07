import { expect, test } from 'vitest';
import type { HostTensor } from '../../../core/engine/protocol';
import { Rng } from '../../../core/engine/rng';
import { adaptersAfter, mergeLora, stackAdapters } from '../../../core/models/adapters';

const rng = new Rng(3);
const t = (dims: number[]): HostTensor => ({ dtype: 'float32', dims, data: rng.normal(dims[0]! * dims[1]!, 1) });

test('stacked adapters merge to the base plus both updates, and the second set comes back out bit for bit', () => {
  const w = t([6, 5]);
  const first = { 'q.weight.lora_A': t([6, 2]), 'q.weight.lora_B': t([2, 5]) };
  const second = { 'q.weight.lora_A': t([6, 3]), 'q.weight.lora_B': t([3, 5]), 'value_head.bias': t([1, 1]) };
  const stacked = stackAdapters(first, second);
  expect(stacked['q.weight.lora_A']!.dims).toEqual([6, 5]);
  expect(stacked['q.weight.lora_B']!.dims).toEqual([5, 5]);
  expect(stacked['value_head.bias']).toBe(second['value_head.bias']);
  const both = mergeLora(mergeLora(w, first['q.weight.lora_A'], first['q.weight.lora_B'], 2), second['q.weight.lora_A'], second['q.weight.lora_B'], 2);
  const once = mergeLora(w, stacked['q.weight.lora_A']!, stacked['q.weight.lora_B']!, 2);
  (once.data as Float32Array).forEach((v, i) => expect(Math.abs(v - (both.data as Float32Array)[i]!)).toBeLessThan(1e-5));
  const back = adaptersAfter(stacked, 2);
  for (const n of Object.keys(second)) expect(back[n]).toEqual(second[n as keyof typeof second]);
  expect(() => stackAdapters({}, second)).toThrow(/'q\.weight\.lora_A' has no counterpart/);
});
