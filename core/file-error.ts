/** A problem with a file said in one line that names it (`<file>: <what is wrong>`), instead of a stack. */
export class FileError extends Error {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${file}: ${what}`);
  }
}
