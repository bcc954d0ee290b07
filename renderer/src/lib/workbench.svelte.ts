import { untrack } from 'svelte';
import type { ApiClient } from '../../../core/api/client';
import { CandidatesState } from './inspect/candidates.svelte';
import { HardNegativesState } from './inspect/hard-negatives.svelte';
import { IterationState } from './iteration/iteration.svelte';
import { NotebookState } from './notebook/notebook.svelte';
import { QueueState } from './queue/queue.svelte';
import { RunsState } from './runs/runs.svelte';
import { TerminalState } from './terminal/terminal.svelte';

export type View = 'notebook' | 'hard-negatives' | 'candidates';

/**
 * The feature states and how they follow each other: choosing a run loads its notebook and last iteration; the
 * inspected iteration feeds the lists and the queue; a finished stage refreshes what it may have changed.
 */
export class Workbench {
  readonly runs: RunsState;
  readonly iteration: IterationState;
  readonly notebook: NotebookState;
  readonly negatives: HardNegativesState;
  readonly candidates: CandidatesState;
  readonly queue: QueueState;
  readonly terminal: TerminalState;
  view = $state<View>('notebook');
  private readonly dispose: () => void;

  constructor(client: ApiClient) {
    this.runs = new RunsState(client);
    this.iteration = new IterationState(client);
    this.notebook = new NotebookState(client);
    this.negatives = new HardNegativesState(client);
    this.candidates = new CandidatesState(client);
    this.queue = new QueueState(client);
    this.terminal = new TerminalState(client);
    const offQueue = this.queue.onChange(() => void this.candidates.refresh());

    this.dispose = $effect.root(() => {
      $effect(() => {
        const run = this.runs.selected;
        if (run === null) return;
        untrack(() => {
          void this.notebook.load(run, this.iterationIndices());
          void this.iteration.show(run);
        });
      });
      $effect(() => {
        const shown = this.iteration.shown;
        if (shown === null) return;
        const { run, iteration: index } = shown;
        untrack(() => {
          void this.queue.show(run, index);
          void this.negatives.show(run, index);
          void this.candidates.show(run, index);
        });
      });
      $effect(() => {
        if (this.runs.revision === 0) return;
        untrack(() => {
          this.notebook.syncIterations(this.iterationIndices());
          const following = this.iteration.iteration === null || this.iteration.iteration === this.iteration.series.at(-1)?.iteration;
          const before = [this.iteration.run, this.iteration.iteration];
          const shown = this.runs.selected !== null && following ? this.iteration.show(this.runs.selected) : this.iteration.reload();
          // The same iteration may have gained hard negatives, disputed samples or scores: refresh its lists in place.
          void shown.then(() => {
            const [run, index] = [this.iteration.run, this.iteration.iteration];
            if (run === null || index === null || run !== before[0] || index !== before[1]) return;
            void this.queue.show(run, index);
            void this.negatives.reload();
            void this.candidates.loadProblems();
          });
        });
      });
      return offQueue;
    });
  }

  private iterationIndices(): number[] {
    return this.runs.status?.iterations.map((i) => i.index) ?? [];
  }

  close(): void {
    this.dispose();
    this.runs.close();
    this.terminal.close();
  }
}
