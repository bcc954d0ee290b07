import type { ApiClient } from '../../../../core/api/client';
import type { LogLine } from '../../../../core/api/log-line';

/**
 * The core's log for the terminal: the history merged with the live stream, without duplicates or gaps (live lines
 * arriving while the history loads wait for it). The loop's progress and "Re-run in sandbox" results arrive here.
 */
export class TerminalState {
  lastSeq = $state(-1);
  // Listeners and a ring of lines, not shown as state: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly writers = new Set<(line: LogLine) => void>();
  private readonly lines: LogLine[] = [];
  private readonly unsubscribe: () => void;

  constructor(client: ApiClient, limit = 2000) {
    const buffered: LogLine[] = [];
    let replayed = false;
    this.unsubscribe = client.on('log', (line) => (replayed ? this.push(line, limit) : buffered.push(line)));
    void client
      .call('logs.recent', { limit: 1000 })
      .then((lines) => lines.forEach((line) => this.push(line, limit)))
      .catch(() => {})
      .finally(() => {
        replayed = true;
        buffered.forEach((line) => this.push(line, limit));
      });
  }

  private push(line: LogLine, limit: number): void {
    if (line.seq <= this.lastSeq) return;
    this.lastSeq = line.seq;
    this.lines.push(line);
    if (this.lines.length > limit) this.lines.splice(0, this.lines.length - limit);
    this.writers.forEach((write) => write(line));
  }

  /** Replays what is kept, then calls `write` for every new line, until the returned function is called. */
  attach(write: (line: LogLine) => void): () => void {
    this.lines.forEach(write);
    this.writers.add(write);
    return () => this.writers.delete(write);
  }

  close(): void {
    this.unsubscribe();
    this.writers.clear();
  }
}
