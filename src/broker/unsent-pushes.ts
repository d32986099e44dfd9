// The pushes of one Subscribe stream that HTTP/2 has not yet handed to the socket.
//
// Why 'drain' alone did not bound them: grpc-js's call is an object-mode Writable, so write()
// returns false only after 16 queued messages, not bytes: 16 pushes of max_bytes each (117 MiB
// measured) waited for a client that did not read. The write callback is the signal that counts:
// grpc-js calls it once the HTTP/2 stream took the push's last byte, which it does only as the
// client's flow-control window opens. Counting pushes whose callback has not come bounds what a
// stream holds to what the client's window accepts plus the pushes we allow to wait behind it
// (docs/architecture.md, "Memory held for clients").
import type { Writable } from 'node:stream';
import type { InFlightBudget } from './in-flight-budget';

export class UnsentPushes {
  /** Invariant: count and bytes cover the pushes written whose write callback has not come, until close(). */
  private count = 0;
  private bytes = 0;
  private closed = false;
  private waiter: { readonly most: number; readonly wake: () => void } | undefined;

  constructor(private readonly budget: InFlightBudget) {}

  get unsent(): number {
    return this.count;
  }

  /** Writes `push` to `call`, holding its bytes in the broker's budget until it is sent. */
  write(call: Writable, push: Buffer): void {
    const size = push.length;
    this.count++;
    this.bytes += size;
    this.budget.hold(size);
    call.write(push, () => this.sent(size));
  }

  /** Calls `wake` once at most `most` pushes are unsent (at once if so). Returns a cancel. */
  whenAtMost(most: number, wake: () => void): () => void {
    if (this.count <= most) {
      wake();
      return () => undefined;
    }
    this.waiter = { most, wake };
    return () => {
      this.waiter = undefined;
    };
  }

  /** The stream ended: what it still holds leaves the budget (a cancelled call never calls back). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.budget.release(this.bytes);
    this.bytes = 0;
    this.count = 0;
    this.waiter = undefined;
  }

  private sent(size: number): void {
    if (this.closed) return;
    this.count--;
    this.bytes -= size;
    this.budget.release(size);
    const waiter = this.waiter;
    if (waiter && this.count <= waiter.most) {
      this.waiter = undefined;
      waiter.wake();
    }
  }
}

/** Resolves when `register` wakes it or `abort` fires; `register` returns a cancel. */
export function untilWoken(register: (wake: () => void) => () => void, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort.aborted) return resolve();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      abort.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = (): void => {
      cancel();
      finish();
    };
    abort.addEventListener('abort', onAbort, { once: true });
    const cancel = register(finish);
  });
}
