/** A store problem said in one line that names the file: what the user sees instead of a SQLite stack. */
export class StoreError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'StoreError';
  }
}
