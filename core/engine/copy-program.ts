/**
 * The copy program that moves a resident tensor between memories: one Identity whose output the worker places in
 * CPU memory (to read it) or on the device (to put it there). On WebGPU a tensor kept on the device cannot be read
 * directly (its getData() aborts onnxruntime-node natively), so running this program is how its values reach
 * JavaScript. Its dims are symbolic, so one program per dtype and rank serves every shape.
 */
import { type Program, emitProgram } from './emit';
import type { DType } from './graph';
import { input } from './ops';

const cache = new Map<string, Program>();

export function copyProgram(dtype: DType, rank: number): Program {
  const key = `${dtype}/${rank}`;
  let program = cache.get(key);
  if (!program) {
    const x = input('x', Array.from({ length: rank }, (_, i) => `d${i}`), dtype);
    program = emitProgram({ y: x }, { name: `copy_${dtype}_rank${rank}`, optimization: 'basic' });
    cache.set(key, program);
  }
  return program;
}
