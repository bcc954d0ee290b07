import type { monaco } from './monaco';

/** What an e2e test reads of a diff editor: the two programs and the changed lines, by the editor's name. */
export interface DiffHook {
  original: () => string;
  modified: () => string;
  lineChanges: () => number;
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
  };
  return () => delete hooks[name];
}
