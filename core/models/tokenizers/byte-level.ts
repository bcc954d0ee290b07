/**
 * GPT-2's byte-to-character table: byte-level BPE works on these 256 printable characters, one per byte, so any
 * UTF-8 text (and any byte sequence) has a spelling and round-trips exactly.
 */
export function byteLevelAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    out.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
  }
  return out;
}
