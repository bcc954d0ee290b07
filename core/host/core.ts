import { createDispatcher, type Handlers } from '../api/dispatcher';
import type { EventName, EventPayload } from '../api/contract';
import type { Transport } from '../api/transport';
import type { EventMessage, Outcome } from '../api/wire';
import { collectAppInfo } from './app-info';
import type { CoreOptions } from './core-options';
import { LogBus } from './log-bus';
import { SandboxService } from './sandbox-service';

/**
 * The core as one object: the handler table behind the API contract, plus the event stream. It runs inside the
 * core worker; tests may also run it in-process, since it is a Transport like every other.
 */
export class Core implements Transport {
  readonly log = new LogBus();
  readonly sandbox = new SandboxService();
  private readonly eventListeners = new Set<(event: EventMessage) => void>();
  private readonly dispatch: (method: string, params: unknown) => Promise<Outcome>;

  constructor(readonly options: CoreOptions) {
    const handlers: Handlers = {
      'app.info': () => collectAppInfo(options),
      'logs.recent': ({ limit }) => this.log.recent(limit),
      'sandbox.execute': (params) => this.sandbox.execute(params, (progress) => this.emit('sandbox.progress', progress)),
    };
    this.dispatch = createDispatcher(handlers);
    this.log.subscribe((line) => this.emit('log', line));
  }

  async invoke(method: string, params: unknown): Promise<Outcome> {
    const outcome = await this.dispatch(method, params);
    // A client sending calls the contract refuses is a bug worth seeing in the terminal, not only in its console.
    if (!outcome.ok) {
      const failed = outcome.error.code === 'failed';
      this.log.write(failed ? 'error' : 'warn', 'api', `${failed ? `${method} failed` : 'refused'}: ${outcome.error.message}`);
    }
    return outcome;
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  private emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.eventListeners) listener({ kind: 'event', name, payload });
  }
}
