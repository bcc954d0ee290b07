import { ApiClient } from '../../../core/api/client';
import { SocketTransport } from '../../../core/api/socket-transport';

export interface Connection {
  client: ApiClient;
  kind: 'desktop' | 'web';
  /** Calls `listener` once the core can no longer be reached (the desktop bridge lives as long as the page). */
  onLost(listener: (reason: string) => void): () => void;
}

/**
 * The desktop bridge when the preload provided one; otherwise the web server's WebSocket. The token arrives once
 * in the address bar; the server has set it as a cookie by then, so it is taken out of the visible URL.
 */
export function connect(): Connection {
  const bridge = window.rewardranker;
  if (bridge) return { client: new ApiClient(bridge), kind: 'desktop', onLost: () => () => {} };

  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token) {
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const transport = new SocketTransport(new WebSocket(`${scheme}//${window.location.host}/api${query}`));
  return { client: new ApiClient(transport), kind: 'web', onLost: (listener) => transport.onClose(listener) };
}
