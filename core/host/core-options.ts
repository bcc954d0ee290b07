/** What the process that hosts the core tells it about the world outside (passed as the worker's workerData). */
export interface CoreOptions {
  mode: 'desktop' | 'web';
  workspace: string;
  /** The Electron version when hosted by the desktop shell; core/ cannot ask Electron itself. */
  electronVersion: string | null;
}
