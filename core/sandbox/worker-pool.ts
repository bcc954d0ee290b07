import { WARM_START_FAILED } from './isolation/warm-worker';
import type { Isolation, RawOutcome, SandboxJob, SandboxWorker } from './isolation/types';
import { DEFAULT_LIMITS } from './limits';

/** One of the pool's places to run: its warm sandbox, started on first use. */
export interface Slot {
  worker: SandboxWorker | null;
}

/**
 * `jobs` slots, each running one program at a time in its own warm sandbox (or a fresh sandbox per program when
 * warm is off, the job needs another tmpfs size, or warm sandboxes can't start here).
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private closed = false;
  /** Why warm sandboxes can't start here (then every program runs in a fresh one), or null. */
  warmUnavailable: string | null = null;

  constructor(
    private readonly isolation: Isolation,
    jobs: number,
    private readonly warm: boolean,
  ) {
    for (let i = 0; i < Math.max(1, Math.floor(jobs)); i++) {
      const slot: Slot = { worker: null };
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs `work` when a slot is free; the slot is the caller's until `work` settles. */
  async withSlot<T>(work: (slot: Slot) => Promise<T>): Promise<T> {
    const slot = this.idle.pop() ?? (await new Promise<Slot>((resolve) => this.waiting.push(resolve)));
    try {
      return await work(slot);
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.idle.push(slot);
    }
  }

  async runJob(slot: Slot, job: SandboxJob): Promise<RawOutcome> {
    // A warm sandbox's tmpfs is sized once, at DEFAULT_LIMITS.tempDirBytes: other sizes get a sandbox of their own.
    const sized = job.limits.tempDirBytes === DEFAULT_LIMITS.tempDirBytes;
    if (!this.warm || this.closed || !sized || this.warmUnavailable) return await this.isolation.runOnce(job);
    slot.worker ??= await this.isolation.openWorker();
    const outcome = await slot.worker.run(job);
    if (outcome.sandboxError?.startsWith(WARM_START_FAILED)) {
      // Warm sandboxes can't start here: every program gets a fresh one instead (slower, never wrong).
      this.warmUnavailable = outcome.sandboxError;
      return await this.isolation.runOnce(job);
    }
    return outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker?.close()));
    for (const slot of this.slots) slot.worker = null;
  }
}
