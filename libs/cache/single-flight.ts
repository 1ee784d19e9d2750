/** Concurrent calls for the same key share one in-flight promise: N misses cost one load. */
export class SingleFlight<V> {
  private readonly inFlight = new Map<string, Promise<V>>();

  do(key: string, load: () => Promise<V>): Promise<V> {
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  get pending(): number {
    return this.inFlight.size;
  }
}
