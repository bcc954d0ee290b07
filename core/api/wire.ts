import { z } from 'zod';

/**
 * Messages as they cross a transport (WebSocket frames, Electron IPC, worker postMessage). Params and values stay
 * `unknown` here: the method's own schema checks them at the far end.
 */
export const CallMessageSchema = z.object({
  kind: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(200),
  params: z.unknown(),
});
export type CallMessage = z.infer<typeof CallMessageSchema>;

export const ApiErrorSchema = z.object({
  code: z.enum(['unknown_method', 'invalid_params', 'failed', 'unavailable']),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const ResultMessageSchema = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ kind: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: ApiErrorSchema }),
]);
export type ResultMessage = z.infer<typeof ResultMessageSchema>;

export const EventMessageSchema = z.object({
  kind: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

export const ServerMessageSchema = z.union([ResultMessageSchema, EventMessageSchema]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** A call's outcome without its id: what the Electron bridge returns from `invoke`, which correlates by itself. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: ApiError };
