import {
  events,
  isEventName,
  methods,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from './contract';
import type { Transport } from './transport';
import type { ApiError } from './wire';

export class ApiCallError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/** The typed face of the API for UIs and tests; results and event payloads are checked against the contract. */
export class ApiClient {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly unsubscribe: () => void;

  constructor(private readonly transport: Transport) {
    this.unsubscribe = transport.subscribe((message) => {
      if (!isEventName(message.name)) return;
      const parsed = events[message.name].safeParse(message.payload);
      if (!parsed.success) return;
      for (const listener of this.listeners.get(message.name) ?? []) listener(parsed.data);
    });
  }

  async call<M extends MethodName>(method: M, ...args: Record<string, never> extends MethodParams<M> ? [MethodParams<M>?] : [MethodParams<M>]): Promise<MethodResult<M>> {
    const outcome = await this.transport.invoke(method, args[0] ?? {});
    if (!outcome.ok) throw new ApiCallError(outcome.error.code, outcome.error.message);
    const parsed = methods[method].result.safeParse(outcome.value);
    if (!parsed.success) {
      throw new ApiCallError('failed', `${method}: the core answered with a malformed result`);
    }
    return parsed.data as MethodResult<M>;
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const erased = listener as (payload: unknown) => void;
    set.add(erased);
    return () => set.delete(erased);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
