/**
 * The one JSON line the provider check's child prints (its own file: the parent reads it without importing the
 * child, which imports the engine that starts the check).
 */
export interface CheckChildResult {
  ok: boolean;
  detail: string;
  losses?: number[];
  cpuLosses?: number[];
}
