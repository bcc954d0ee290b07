import { ServerMessageSchema, type CallMessage, type EventMessage, type Outcome } from './wire';

/**
 * The client half of a message-passing transport: numbers outgoing calls, matches results to them, fans events
 * out, and answers every pending and later call with `unavailable` once the channel is gone.
 */
export class CallCorrelator {
  private nextId = 1;
  private readonly pending = new Map<number, (outcome: Outcome) => void>();
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private failure: string | null = null;
  private readonly failureListeners = new Set<(reason: string) => void>();

  constructor(private readonly send: (message: CallMessage) => void) {}

  get failed(): string | null {
    return this.failure;
  }

  call(method: string, params: unknown): Promise<Outcome> {
    if (this.failure !== null) return Promise.resolve(unavailable(this.failure));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ kind: 'call', id, method, params });
    });
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once, when the channel is gone (at once if it already is). */
  onFail(listener: (reason: string) => void): () => void {
    if (this.failure !== null) listener(this.failure);
    else this.failureListeners.add(listener);
    return () => this.failureListeners.delete(listener);
  }

  /** Takes one incoming message, already decoded; anything that is not a well-formed result or event is dropped. */
  receive(raw: unknown): void {
    const parsed = ServerMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === 'event') {
      for (const listener of this.listeners) listener(message);
      return;
    }
    const resolve = this.pending.get(message.id);
    if (!resolve) return;
    this.pending.delete(message.id);
    resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
  }

  fail(reason: string): void {
    if (this.failure !== null) return;
    this.failure = reason;
    for (const resolve of this.pending.values()) resolve(unavailable(reason));
    this.pending.clear();
    for (const listener of this.failureListeners) listener(reason);
    this.failureListeners.clear();
  }
}

function unavailable(message: string): Outcome {
  return { ok: false, error: { code: 'unavailable', message } };
}
