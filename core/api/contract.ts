import { z } from 'zod';
import { AppInfoSchema, ExecutionProviderSchema } from './app-info';
import { LogLineSchema } from './log-line';
import { inspectEvents, inspectMethods } from './inspect';
import { loopEvents, loopMethods } from './loop';
import { notebookMethods } from './notebook';
import { sandboxExecute, SandboxProgressSchema } from './sandbox';

/**
 * The one contract between the core and every UI. Each method names the schema its params must satisfy (checked
 * where they arrive, in the core) and the schema of its result (checked by clients). Transports only move
 * {method, params} and results; they know nothing about the methods.
 */
export const methods = {
  'app.info': {
    params: z.object({}).strict(),
    result: AppInfoSchema,
  },
  /** Each provider that may run here, verified by a tiny training run in a child process (once per core). */
  'engine.check': {
    params: z.object({}).strict(),
    result: z.array(ExecutionProviderSchema),
  },
  'logs.recent': {
    params: z.object({ limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
    result: z.array(LogLineSchema),
  },
  'sandbox.execute': sandboxExecute,
  ...loopMethods,
  ...notebookMethods,
  ...inspectMethods,
} as const;

/** Events the core pushes to every connected client. */
export const events = {
  log: LogLineSchema,
  'sandbox.progress': SandboxProgressSchema,
  ...loopEvents,
  ...inspectEvents,
} as const;

export type MethodName = keyof typeof methods;
export type EventName = keyof typeof events;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
