/** What an error says, whatever was thrown: its message when it is an Error, else its string form. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
