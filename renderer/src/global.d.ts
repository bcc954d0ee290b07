import type { Transport } from '../../core/api/transport';

declare global {
  interface Window {
    /** Present only in the desktop app, where the preload exposes the IPC bridge. */
    rewardranker?: Transport;
  }
}
export {};
