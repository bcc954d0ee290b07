/** Work in progress by key: a second request for the same key while the first runs gets the first one's promise. */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  get(key: string): Promise<T> | undefined {
    return this.running.get(key);
  }

  start(key: string, work: () => Promise<T>): Promise<T> {
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
