// Group commit: many concurrent sync() callers share one fdatasync. At most one flush is in flight;
// callers arriving during it wait for the next one, which starts as soon as the current one ends
// (so a caller never waits for more than two flushes, and each flush covers every append that
// completed before it started).

export class GroupCommit<T> {
  private inFlight: Promise<T> | undefined;
  private next: { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } | undefined;
  /** Number of flushes actually performed (for tests and metrics). */
  flushes = 0;

  /** `flush` makes everything written before it was called durable and returns what is durable. */
  constructor(private readonly flush: () => Promise<T>) {}

  /** Resolves after a flush that started after this call. */
  request(): Promise<T> {
    if (this.inFlight === undefined) return this.start();
    if (this.next === undefined) {
      let resolve!: (v: T) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.next = { promise, resolve, reject };
    }
    return this.next.promise;
  }

  /** The flush in flight, if any. */
  current(): Promise<T> | undefined {
    return this.inFlight;
  }

  /** Resolves when no flush is in flight or queued (errors are left to the callers). */
  async drain(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
  }

  private start(): Promise<T> {
    this.flushes++;
    const p = this.flush();
    this.inFlight = p;
    const done = (): void => {
      this.inFlight = undefined;
      const waiting = this.next;
      this.next = undefined;
      if (waiting !== undefined) this.start().then(waiting.resolve, waiting.reject);
    };
    p.then(done, done);
    return p;
  }
}
