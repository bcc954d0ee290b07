import type { LogLevel, LogLine } from '../api/log-line';

/** Fan-out of log lines to subscribers, with a bounded history for clients that connect late. */
export class LogBus {
  private seq = 0;
  private readonly history: LogLine[] = [];
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly capacity = 5000) {}

  write(level: LogLevel, source: string, message: string): LogLine {
    const line: LogLine = { seq: this.seq++, time: new Date().toISOString(), level, source, message };
    this.history.push(line);
    if (this.history.length > this.capacity) this.history.splice(0, this.history.length - this.capacity);
    for (const listener of this.listeners) listener(line);
    return line;
  }

  recent(limit: number): LogLine[] {
    return this.history.slice(-limit);
  }

  subscribe(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
