import { FileError } from '../file-error';

/** A store problem said in one line that names the file: what the user sees instead of a SQLite stack. */
export class StoreError extends FileError {
  override readonly name = 'StoreError';
}
