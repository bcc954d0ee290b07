/** Mean of the last `fraction` of a loss history (at least one value): a training loss less noisy than the last step's. */
export function tailMean(values: readonly number[], fraction = 0.1): number {
  const tail = values.slice(-Math.max(1, Math.floor(values.length * fraction)));
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}
