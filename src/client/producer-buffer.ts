// The producer's buffer limit, Kafka's buffer.memory and max.block.ms: the bytes of records the
// producer holds (queued, sent, not yet acknowledged) stay near `limitBytes`. JavaScript cannot
// block the caller as Kafka's send() does, so a record that finds the buffer full waits here, in
// order, until acknowledgements free room, and fails after `maxBlockMs` if none frees: a broker
// slower than its producers shows up as errors, not as a producer that grows without bound.
import { SluiceBufferExhaustedError, SluiceClientStateError } from './errors';
import type { Message, ProduceCallback, ProducerOptions } from './types';

const DEFAULT_BUFFER_MEMORY = 32 * 1024 * 1024;
const DEFAULT_MAX_BLOCK_MS = 60_000;

/**
 * A record (or a whole send()) waiting for room: one plain object and no closure, since a caller
 * that floods the producer queues millions of them (two closures each made a flood of 2M records
 * twice as slow as with no limit).
 */
export interface WaitingRecord {
  readonly bytes: number;
  deadlineMs: number;
  readonly topic: string;
  /** null for a send() or sendBatch(): `callback` then only says whether it was admitted. */
  readonly message: Message | null;
  readonly callback: ProduceCallback;
}

/** What the producer does with a waiting record once it is admitted, or once it waited too long. */
export interface BufferHost {
  admitted(record: WaitingRecord): void;
  expired(record: WaitingRecord, error: SluiceBufferExhaustedError): void;
}

export class ProducerBuffer {
  private used = 0;
  /** Records waiting for room are waiting[head..]: taking from the front moves head, not the array. */
  private waiting: WaitingRecord[] = [];
  private head = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private lastError: SluiceBufferExhaustedError | undefined;

  constructor(readonly limitBytes: number, readonly maxBlockMs: number, private readonly host: BufferHost) {}

  /** The buffer a producer's options ask for (Kafka's defaults: 32 MiB, 60 s). */
  static fromOptions(options: ProducerOptions, host: BufferHost): ProducerBuffer {
    const checked = (name: string, value: number, min: number): number => {
      if (!Number.isFinite(value) || value < min) {
        throw new SluiceClientStateError(`producer option ${name} must be a number >= ${min}, got ${String(value)}`);
      }
      return value;
    };
    return new ProducerBuffer(
      checked('bufferMemory', options.bufferMemory ?? DEFAULT_BUFFER_MEMORY, 1),
      checked('maxBlockMs', options.maxBlockMs ?? DEFAULT_MAX_BLOCK_MS, 0),
      host,
    );
  }

  /** Bytes of records admitted and not yet released. */
  get bytes(): number {
    return this.used;
  }

  /** Records waiting for room. */
  get waitingCount(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Admits `bytes` now if there is room and nothing waits before them (the fast path, no
   * allocation). Room means "below the limit": one record or send() may overshoot it, so a record
   * larger than the whole buffer still goes, alone.
   */
  tryReserve(bytes: number): boolean {
    if (this.waitingCount > 0 || this.used >= this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  /**
   * Queues a record behind any others: the host admits it once its bytes are reserved, or expires
   * it after maxBlockMs. With maxBlockMs 0 it expires at once, inside this call (Kafka's send()
   * throws then), so that a caller flooding the producer holds no queue at all.
   */
  wait(record: WaitingRecord): void {
    if (this.maxBlockMs === 0) {
      this.host.expired(record, this.exhausted());
      return;
    }
    record.deadlineMs = Date.now() + this.maxBlockMs;
    this.waiting.push(record);
    this.armExpiry();
  }

  /** Frees the bytes of settled records and admits those waiting, in order, while there is room. */
  release(bytes: number): void {
    this.used -= bytes;
    let admitted = 0;
    while (this.head + admitted < this.waiting.length && this.used < this.limitBytes) {
      this.used += this.waiting[this.head + admitted]!.bytes;
      admitted++;
    }
    if (admitted === 0) return;
    const ready = this.takeFront(admitted);
    if (this.waitingCount === 0) this.disarmExpiry();
    for (const record of ready) this.host.admitted(record);
  }

  /**
   * Removes the first `count` waiting records. The array is compacted only once the taken part is
   * at least half of it, so a long queue drained a batch at a time costs O(1) per record (copying
   * the rest on every release made it quadratic).
   */
  private takeFront(count: number): WaitingRecord[] {
    const taken = this.waiting.slice(this.head, this.head + count);
    this.head += count;
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  private armExpiry(): void {
    if (this.expiryTimer !== undefined || this.waitingCount === 0) return;
    // Every record waits maxBlockMs, so the head of the queue always expires first.
    const delayMs = Math.max(0, this.waiting[this.head]!.deadlineMs - Date.now());
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      this.expireDue();
      this.armExpiry();
    }, delayMs);
  }

  private disarmExpiry(): void {
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
  }

  private expireDue(): void {
    const now = Date.now();
    let due = 0;
    while (this.head + due < this.waiting.length && this.waiting[this.head + due]!.deadlineMs <= now) due++;
    if (due === 0) return;
    for (const record of this.takeFront(due)) this.host.expired(record, this.exhausted());
  }

  /**
   * The error for records that found no room. Records failed while the buffer holds the same bytes
   * share one: an Error captures a stack (~5 µs here), and a flood fails millions at a time.
   */
  private exhausted(): SluiceBufferExhaustedError {
    if (this.lastError?.bufferedBytes !== this.used) this.lastError = new SluiceBufferExhaustedError(this.limitBytes, this.maxBlockMs, this.used);
    return this.lastError;
  }
}
