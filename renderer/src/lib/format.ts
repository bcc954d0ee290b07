/** `now - before` as "+0.012" / "−0.012" / "±0.000"; empty where either side is missing. */
export function signedChange(now: number | null | undefined, before: number | null | undefined, digits = 3): string {
  if (now === null || now === undefined || before === null || before === undefined) return '';
  const delta = now - before;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return `${sign}${Math.abs(delta).toFixed(digits)}`;
}
