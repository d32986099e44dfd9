// A level-triggered "something changed" signal for long polls: each waiter is released by the
// next notify() or by its own timeout / abort, whichever comes first.

export class ChangeSignal {
  private listeners = new Set<() => void>();

  notify(): void {
    if (this.listeners.size === 0) return;
    const current = this.listeners;
    this.listeners = new Set();
    for (const listener of current) listener();
  }

  /** Waiters not released yet (a test knows from it that a long poll is parked). */
  get waiting(): number {
    return this.listeners.size;
  }

  /** Resolves true on notify, false on timeout or abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(changed);
      };
      const onChange = (): void => done(true);
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.listeners.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** Waits for the first of several signals to change. */
export function waitAny(signals: readonly ChangeSignal[], timeoutMs: number, abort?: AbortSignal): Promise<boolean> {
  if (signals.length === 1) return signals[0]!.wait(timeoutMs, abort);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  abort?.addEventListener('abort', onAbort, { once: true });
  return Promise.race(signals.map((s) => s.wait(timeoutMs, controller.signal))).then((changed) => {
    controller.abort();
    abort?.removeEventListener('abort', onAbort);
    return changed;
  });
}
