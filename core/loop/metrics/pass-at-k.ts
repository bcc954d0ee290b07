/**
 * Unbiased pass@k from n samples of which c passed: 1 - C(n-c, k) / C(n, k), computed as a product so that large n
 * neither overflows nor loses precision (Chen et al., 2021).
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`pass@k needs integers 0 <= c <= n and 1 <= k <= n (got n=${n}, c=${c}, k=${k})`);
  }
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/** Mean pass@k over problems, each given as [samples, passing]. */
export function meanPassAtK(problems: ReadonlyArray<readonly [number, number]>, k: number): number {
  if (problems.length === 0) return 0;
  return problems.reduce((sum, [n, c]) => sum + passAtK(n, c, k), 0) / problems.length;
}
