import { CallCorrelator } from './call-correlator';
import type { Transport } from './transport';
import type { EventMessage, Outcome } from './wire';

/** The part of the WebSocket API shared by browsers and the `ws` package, which is all this transport needs. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/** Client side of the web-mode API: calls correlated by id over one WebSocket. */
export class SocketTransport implements Transport {
  private readonly correlator: CallCorrelator;
  private readonly ready: Promise<void>;

  constructor(private readonly socket: SocketLike) {
    this.correlator = new CallCorrelator((message) => socket.send(JSON.stringify(message)));
    this.ready = new Promise((resolve) => {
      if (socket.readyState === OPEN) resolve();
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('close', () => resolve());
      socket.addEventListener('error', () => resolve());
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') return;
      try {
        this.correlator.receive(JSON.parse(event.data));
      } catch {
        // not JSON: not ours
      }
    });
    socket.addEventListener('close', () => this.correlator.fail('the connection to the core closed'));
    socket.addEventListener('error', () => this.correlator.fail('the connection to the core failed'));
  }

  /** Calls `listener` with the reason once the connection is gone. */
  onClose(listener: (reason: string) => void): () => void {
    return this.correlator.onFail(listener);
  }

  async invoke(method: string, params: unknown): Promise<Outcome> {
    await this.ready;
    return this.correlator.call(method, params);
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    return this.correlator.subscribe(listener);
  }

  close(): void {
    this.socket.close();
  }
}
