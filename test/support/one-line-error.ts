import { expect } from 'vitest';

/** The message `fn` throws, asserting it is one line (the house rule for every bad input); fails if nothing throws. */
export function oneLineError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('expected an error');
}
