import { z } from 'zod';

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export const LogLineSchema = z.object({
  /** Monotonic per core process, so a client can merge history with the live stream without duplicates. */
  seq: z.number().int().nonnegative(),
  time: z.string(),
  level: LogLevelSchema,
  source: z.string(),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;
