import { z } from 'zod';
import { LANGUAGE_IDS } from '../sandbox/language';
import { STATUSES } from '../sandbox/verdict';

/** What the sandbox can do here: the isolation guarantees that hold, and each language's toolchain. */
export const SandboxInfoSchema = z.object({
  mechanism: z.enum(['bubblewrap', 'process-group']),
  guarantees: z.record(z.string(), z.boolean()),
  /** Every missing guarantee, one line each: a UI must show them. */
  warnings: z.array(z.string()),
  languages: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      available: z.boolean(),
      missing: z.array(z.string()),
      /** Debian packages that provide the toolchain. */
      packages: z.array(z.string()),
    }),
  ),
});
export type SandboxInfo = z.infer<typeof SandboxInfoSchema>;

const CapturedOutputSchema = z.object({ text: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() });

export const ExecutionResultSchema = z.object({
  status: z.enum(STATUSES),
  testsPassed: z.number().int().nullable(),
  testsTotal: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  phase: z.enum(['prepare', 'compile', 'run']),
  wallMs: z.number(),
  cpuMs: z.number().nullable(),
  stdout: CapturedOutputSchema,
  stderr: CapturedOutputSchema,
  detail: z.string().nullable(),
  cached: z.boolean(),
});

const LimitsSchema = z
  .object({
    timeoutMs: z.number().positive().max(600_000),
    memoryBytes: z.number().positive(),
    outputBytes: z.number().int().positive().max(16 * 1024 ** 2),
    outputHardCapBytes: z.number().int().positive(),
    fileSizeBytes: z.number().int().positive(),
    tempDirBytes: z.number().int().positive(),
    openFiles: z.number().int().positive(),
    processes: z.number().int().positive(),
  })
  .partial()
  .strict();

export const RunRequestSchema = z
  .object({
    language: z.enum([...LANGUAGE_IDS, 'py', 'js', 'ts', 'cs', 'sh', 'rs', 'rb']),
    program: z.string(),
    limits: LimitsSchema.optional(),
    context: z.object({ harness: z.enum(['multipl-e', 'humaneval-x']), link: z.array(z.string()) }).strict().optional(),
  })
  .strict();

/** `sandbox.execute`: run a batch; progress arrives as `sandbox.progress` events carrying the caller's batchId. */
export const sandboxExecute = {
  params: z
    .object({
      /** Chosen by the caller, to pick its batch's progress events out of the stream. */
      batchId: z.string().min(1).max(200),
      requests: z.array(RunRequestSchema).min(1).max(100_000),
    })
    .strict(),
  result: z.object({ results: z.array(ExecutionResultSchema) }),
};

export const SandboxProgressSchema = z.object({
  batchId: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  index: z.number().int().nonnegative(),
  result: ExecutionResultSchema,
});
export type SandboxProgress = z.infer<typeof SandboxProgressSchema>;
