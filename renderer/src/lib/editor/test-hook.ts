import type { monaco } from './monaco';

/** What an e2e test reads of a diff editor: the two programs and the changed lines, by the editor's name. */
export interface DiffHook {
  original: () => string;
  modified: () => string;
  lineChanges: () => number;
  /** The hover text of each glyph-margin decoration of the right-hand program (the line-score heat map). */
  glyphScores: () => string[];
}

declare global {
  interface Window {
    __rewardrankerDiffs?: Record<string, DiffHook>;
  }
}

export function exposeDiff(name: string, diff: monaco.editor.IStandaloneDiffEditor): () => void {
  const hooks = (window.__rewardrankerDiffs ??= {});
  hooks[name] = {
    original: () => diff.getModel()?.original.getValue() ?? '',
    modified: () => diff.getModel()?.modified.getValue() ?? '',
    lineChanges: () => diff.getLineChanges()?.length ?? 0,
    glyphScores: () =>
      (diff.getModifiedEditor().getModel()?.getAllDecorations() ?? [])
        .filter((d) => d.options.glyphMarginClassName?.includes('line-score'))
        .sort((a, b) => a.range.startLineNumber - b.range.startLineNumber)
        .flatMap((d) => {
          const hover = d.options.glyphMarginHoverMessage;
          const message = Array.isArray(hover) ? hover[0] : hover;
          return message ? [message.value] : [];
        }),
  };
  return () => delete hooks[name];
}
