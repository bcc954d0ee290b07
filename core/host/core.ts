import { createDispatcher, type Handlers } from '../api/dispatcher';
import type { EventName, EventPayload } from '../api/contract';
import type { Transport } from '../api/transport';
import type { EventMessage, Outcome } from '../api/wire';
import { checkExecutionProviders, collectAppInfo } from './app-info';
import type { CoreOptions } from './core-options';
import { LogBus } from './log-bus';
import { storeFile } from '../loop/pipeline';
import { InspectService } from './inspect-service';
import { LoopService } from './loop-service';
import { NotebookService } from './notebook-service';
import { SandboxService } from './sandbox-service';

/**
 * The core as one object: the handler table behind the API contract, plus the event stream. It runs inside the
 * core worker; tests may also run it in-process, since it is a Transport like every other.
 */
export class Core implements Transport {
  readonly log = new LogBus();
  readonly sandbox = new SandboxService();
  readonly loop: LoopService;
  readonly inspect: InspectService;
  readonly notebook: NotebookService;
  private readonly eventListeners = new Set<(event: EventMessage) => void>();
  private readonly dispatch: (method: string, params: unknown) => Promise<Outcome>;

  constructor(readonly options: CoreOptions) {
    this.loop = new LoopService(options.workspace, {
      progress: (payload) => this.emit('loop.progress', payload),
      stage: (payload) => this.emit('loop.stage', payload),
      state: (payload) => this.emit('loop.state', payload),
      summary: (payload) => this.emit('loop.summary', payload),
      log: (level, message) => this.log.write(level, 'loop', message),
    });
    const loop = this.loop;
    const store = (): ReturnType<LoopService['store']> => loop.store();
    const inspect = (this.inspect = new InspectService({
      store,
      storeName: storeFile(options.workspace),
      runSandbox: async (request) => (await this.sandbox.execute({ batchId: 'rerun', requests: [request] }, () => {})).results[0]!,
      log: (level, message) => this.log.write(level, 'sandbox', message),
    }));
    const notebook = (this.notebook = new NotebookService(options.workspace, store));
    const handlers: Handlers = {
      'app.info': () => collectAppInfo(options),
      'engine.check': () => checkExecutionProviders(),
      'logs.recent': ({ limit }) => this.log.recent(limit),
      'sandbox.execute': (params) => this.sandbox.execute(params, (progress) => this.emit('sandbox.progress', progress)),
      'runs.list': () => loop.runsList(),
      'runs.status': (params) => loop.runsStatus(params),
      'iterations.metrics': (params) => loop.iterationMetrics(params),
      'problems.list': (params) => inspect.problemList(params),
      'candidates.byProblem': (params) => inspect.ranked(params.run, params.iteration, params.problemId),
      'mined.list': (params) => inspect.mined(params),
      'labels.put': (params) => loop.putLabel(params),
      'labels.list': (params) => loop.labels(params),
      'loop.start': (params) => loop.start(params),
      'loop.cancel': () => loop.cancel(),
      'loop.state': () => loop.state(),
      'store.query': (params) => notebook.query(params),
      'store.cancelQuery': (params) => notebook.cancelQuery(params),
      'notebook.get': (params) => notebook.get(params),
      'notebook.save': (params) => notebook.save(params),
      'configs.list': () => notebook.configs(),
      'metrics.series': (params) => inspect.series(params),
      'iterations.detail': (params) => inspect.detail(params),
      'metrics.histogram': (params) => inspect.histogram(params),
      'metrics.roc': (params) => inspect.roc(params),
      'hardNegatives.page': (params) => inspect.hardNegatives(params),
      'hardNegatives.detail': (params) => inspect.hardNegativeDetail(params),
      'problems.page': (params) => inspect.problems(params),
      'labels.undo': (params) => inspect.undo(params),
      'labels.progress': (params) => inspect.labelProgress(params),
      'candidates.rerun': (params) => inspect.rerun(params),
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
