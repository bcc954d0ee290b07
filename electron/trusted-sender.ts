/**
 * Whether an IPC message comes from our own page: the main frame's URL must be the renderer file we loaded. A
 * frame that navigated elsewhere, or an injected subframe, gets nothing.
 */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  if (!frameUrl) return false;
  try {
    const frame = new URL(frameUrl);
    const ours = new URL(rendererUrl);
    return frame.protocol === ours.protocol && frame.host === ours.host && frame.pathname === ours.pathname;
  } catch {
    return false;
  }
}
