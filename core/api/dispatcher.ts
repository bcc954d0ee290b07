import { isMethodName, methods, type MethodName, type MethodResult, type ParsedParams } from './contract';
import type { Outcome } from './wire';
import { errorMessage } from '../error-message';

export type Handlers = {
  [M in MethodName]: (params: ParsedParams<M>) => Promise<MethodResult<M>> | MethodResult<M>;
};

/** Validates every incoming call against its method's schema before a handler sees it. */
export function createDispatcher(handlers: Handlers): (method: string, params: unknown) => Promise<Outcome> {
  return async (method, params) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `unknown method '${method}'` } };
    }
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
      return {
        ok: false,
        error: { code: 'invalid_params', message: `${method}: ${issue?.message ?? 'invalid params'}${where}` },
      };
    }
    try {
      // The cast is sound: `parsed.data` came from `methods[method].params`, the schema Handlers[method] is typed by.
      const handler = handlers[method] as (p: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      return { ok: false, error: { code: 'failed', message: errorMessage(err) } };
    }
  };
}
