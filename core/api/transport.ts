import type { EventMessage, Outcome } from './wire';

/**
 * What every transport offers its client: one call, one event subscription. The worker host, the WebSocket client
 * and the Electron preload bridge all have this shape, so `ApiClient` and the shared test cases run over any of them.
 */
export interface Transport {
  invoke(method: string, params: unknown): Promise<Outcome>;
  subscribe(listener: (event: EventMessage) => void): () => void;
}
