import { Worker } from 'node:worker_threads';
import { CallCorrelator } from '../api/call-correlator';
import type { Transport } from '../api/transport';
import type { EventMessage, Outcome } from '../api/wire';
import type { CoreOptions } from './core-options';

/** The built worker entry beside this module in out/node (entries and chunks share that folder). */
export const defaultWorkerUrl = new URL('./core-worker.js', import.meta.url);

/** Runs the core in a worker thread and speaks to it as a Transport. */
export class WorkerHost implements Transport {
  private readonly worker: Worker;
  private readonly correlator: CallCorrelator;

  constructor(options: CoreOptions, workerUrl: URL = defaultWorkerUrl) {
    this.worker = new Worker(workerUrl, { workerData: options });
    this.correlator = new CallCorrelator((message) => this.worker.postMessage(message));
    this.worker.on('message', (raw: unknown) => this.correlator.receive(raw));
    this.worker.on('error', (err) => this.correlator.fail(`the core worker crashed: ${err.message}`));
    this.worker.on('exit', (code) => this.correlator.fail(`the core worker exited with code ${code}`));
  }

  invoke(method: string, params: unknown): Promise<Outcome> {
    return this.correlator.call(method, params);
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    return this.correlator.subscribe(listener);
  }

  async close(): Promise<void> {
    this.correlator.fail('the core was shut down');
    await this.worker.terminate();
  }
}
