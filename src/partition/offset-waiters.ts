// Promises waiting for an offset watermark to pass a target. Targets arrive mostly in increasing
// order (batches are appended in order), so the queue stays sorted with cheap inserts.

interface Waiter {
  readonly target: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class OffsetWaiters {
  private waiters: Waiter[] = [];

  constructor(private watermark = 0) {}

  /** Resolves once the watermark is >= target (at once if it already is). */
  waitFor(target: number): Promise<void> {
    if (target <= this.watermark) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { target, resolve, reject };
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1]!.target > target) i--;
      this.waiters.splice(i, 0, waiter);
    });
  }

  advanceTo(watermark: number): void {
    this.watermark = Math.max(this.watermark, watermark);
    let released = 0;
    while (released < this.waiters.length && this.waiters[released]!.target <= watermark) {
      this.waiters[released]!.resolve();
      released++;
    }
    if (released > 0) this.waiters = this.waiters.slice(released);
  }

  /** Rejects every waiter whose target is above `watermark` (their data will never arrive). */
  failAbove(watermark: number, error: Error): void {
    const keep: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.target > watermark) waiter.reject(error);
      else keep.push(waiter);
    }
    this.waiters = keep;
  }

  get size(): number {
    return this.waiters.length;
  }
}
