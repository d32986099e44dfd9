// The broker-wide memory budget for requests and responses in flight (Kafka's
// queued.max.request.bytes idea, docs/architecture.md "Memory held for clients"): one counter of
// the bytes held by produce requests not yet answered and Subscribe pushes not yet handed to the
// socket (not the HTTP/2 windows: docs/architecture.md says why). At or above the limit the broker takes no more: a unary Produce is refused
// with RESOURCE_EXHAUSTED, a ProduceStream stops reading its requests, a Subscribe stops reading
// partitions — until held bytes fall below the limit again.
//
// Kept to integer updates: `hold`/`release` run on the unary produce path, which is benchmarked.
import { status } from '@grpc/grpc-js';
import { Gauge, type Registry } from 'prom-client';
import { RequestError } from './request-error';

/** The pushback a refused request is given: long enough for pushes to drain, short beside a produce timeout. */
const REFUSAL_PUSHBACK_MS = 100;

export class InFlightBudget {
  /** Invariant: heldBytes >= 0; the sum of every hold not yet released. */
  private held = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limitBytes: number, registry: Registry) {
    const budget = this;
    new Gauge({
      name: 'sluice_in_flight_bytes',
      help: 'Bytes held for clients: unanswered produce requests, unsent Subscribe pushes (limit: limits.maxInFlightBytes)',
      registers: [registry],
      collect() {
        this.set(budget.held);
      },
    });
    new Gauge({ name: 'sluice_in_flight_limit_bytes', help: 'limits.maxInFlightBytes', registers: [registry] }).set(limitBytes);
  }

  get heldBytes(): number {
    return this.held;
  }

  /** At or above the limit: take nothing more until some is released. */
  get exhausted(): boolean {
    return this.held >= this.limitBytes;
  }

  hold(bytes: number): void {
    this.held += bytes;
  }

  release(bytes: number): void {
    const wasExhausted = this.held >= this.limitBytes;
    this.held -= bytes;
    if (wasExhausted && this.held < this.limitBytes && this.waiters.size > 0) {
      const waiting = [...this.waiters];
      this.waiters.clear();
      for (const wake of waiting) wake();
    }
  }

  /** Holds `bytes` if they fit under the limit with the rest; returns whether it did. */
  tryHold(bytes: number): boolean {
    if (this.held + bytes > this.limitBytes) return false;
    this.held += bytes;
    return true;
  }

  /** Calls `wake` once, when held bytes fall below the limit (at once if they are). Returns a cancel. */
  whenAvailable(wake: () => void): () => void {
    if (!this.exhausted) {
      wake();
      return () => undefined;
    }
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  /** The refusal a request gets while the budget is exhausted (nothing of it taken: retriable). */
  refusal(what: string): RequestError {
    return new RequestError(
      status.RESOURCE_EXHAUSTED,
      `${what} refused: the broker holds ${this.held} bytes of requests and responses in flight, at or above limits.maxInFlightBytes=${this.limitBytes}; retry after a backoff`,
      REFUSAL_PUSHBACK_MS,
    );
  }
}
