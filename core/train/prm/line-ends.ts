import type { TextTokenizer } from '../../models/tokenizers';

/** Lines of a completion as the PRM sees them: text split on '\n' (a trailing newline does not open a line). */
export function completionLines(completion: string): string[] {
  if (completion === '') return [];
  const lines = completion.split('\n');
  if (completion.endsWith('\n')) lines.pop();
  return lines;
}

/**
 * For each line of the completion, the index (into completionTokens) of the token holding the line's last
 * character (its '\n' when it has one). completionTokens are the tokenizer's ids of exactly `completion`.
 *
 * Found by decoding growing prefixes rather than by decoding tokens one by one: a byte-level token can hold half of
 * a multi-byte character, which decodes alone to a replacement character and would shift every later offset. A
 * byte-level BPE can also merge a line's '\n' with the next line's indentation into one token; that token is then
 * the line's end (the PRM reads its score there, having seen the whole line and the next line's indent, which
 * carries no program text). An empty line's end can so share a token with the line before it.
 */
export function lineEndTokenIndices(tokenizer: TextTokenizer, completionTokens: readonly number[]): number[] {
  const completion = tokenizer.decode(completionTokens);
  const lines = completionLines(completion);
  const ends: number[] = [];
  let offset = 0;
  let token = 0;
  let decoded = '';
  for (const line of lines) {
    // The line's last character: its '\n', or its last character when the completion ends without one. A last
    // line that is empty cannot occur (completionLines drops it), so `through` is at least offset + 1.
    const hasNewline = offset + line.length < completion.length;
    const through = offset + line.length + (hasNewline ? 1 : 0);
    const target = completion.slice(0, through);
    while (!(decoded.length >= through && decoded.startsWith(target))) {
      token++;
      if (token > completionTokens.length) {
        throw new Error(`lineEndTokenIndices: the tokens do not decode to the completion (line ${ends.length + 1})`);
      }
      decoded = tokenizer.decode(completionTokens.slice(0, token));
    }
    ends.push(token - 1);
    offset = through;
  }
  return ends;
}
