/** The one line a person reads when a call fails. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
