import type { Readable } from 'node:stream';
import type { CapturedOutput } from '../verdict';

/**
 * Keeps the first `cap` bytes of a stream while counting all of them, so a program printing forever costs a
 * counter, not memory. `onBytes` sees every chunk's size (for the hard output cap across both streams).
 */
export class CappedCapture {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  total = 0;

  constructor(
    private readonly cap: number,
    stream: Readable | null,
    onBytes: (n: number) => void,
  ) {
    stream?.on('data', (chunk: Buffer) => {
      this.total += chunk.length;
      const room = this.cap - this.keptBytes;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        this.kept.push(Buffer.from(part));
        this.keptBytes += part.length;
      }
      onBytes(chunk.length);
    });
  }

  result(): CapturedOutput {
    return capturedFrom(Buffer.concat(this.kept), this.total);
  }
}

/** A kept prefix as text: a multi-byte character cut at the cap is dropped rather than shown as U+FFFD. */
export function capturedFrom(kept: Buffer, total: number): CapturedOutput {
  let end = kept.length;
  if (total > kept.length) {
    // Back up over a trailing partial UTF-8 sequence.
    let i = end - 1;
    while (i >= 0 && i > end - 4 && (kept[i]! & 0xc0) === 0x80) i--;
    if (i >= 0) {
      const lead = kept[i]!;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      if (end - i < need) end = i;
    }
  }
  return { text: kept.subarray(0, end).toString('utf8'), bytes: total, truncated: total > kept.length };
}
