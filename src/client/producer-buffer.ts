// The producer's buffer limit, Kafka's buffer.memory and max.block.ms: the bytes of records the
// producer holds (queued, sent, not yet acknowledged) stay near `limitBytes`. JavaScript cannot
// block the caller as Kafka's send() does, so a record that finds the buffer full waits here, in
// order, until acknowledgements free room, and fails after `maxBlockMs` if none frees: a broker
// slower than its producers shows up as errors, not as a producer that grows without bound.
import { SluiceBufferExhaustedError, SluiceClientStateError } from './errors';
import type { ProducerOptions } from './types';

const DEFAULT_BUFFER_MEMORY = 32 * 1024 * 1024;
const DEFAULT_MAX_BLOCK_MS = 60_000;

interface WaitingRecord {
  readonly bytes: number;
  readonly deadlineMs: number;
  readonly admit: () => void;
  readonly expire: (error: SluiceBufferExhaustedError) => void;
}

export class ProducerBuffer {
  private used = 0;
  /** Records waiting for room are waiting[head..]: taking from the front moves head, not the array. */
  private waiting: WaitingRecord[] = [];
  private head = 0;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(readonly limitBytes: number, readonly maxBlockMs: number) {}

  /** The buffer a producer's options ask for (Kafka's defaults: 32 MiB, 60 s). */
  static fromOptions(options: ProducerOptions): ProducerBuffer {
    const checked = (name: string, value: number, min: number): number => {
      if (!Number.isFinite(value) || value < min) {
        throw new SluiceClientStateError(`producer option ${name} must be a number >= ${min}, got ${String(value)}`);
      }
      return value;
    };
    return new ProducerBuffer(
      checked('bufferMemory', options.bufferMemory ?? DEFAULT_BUFFER_MEMORY, 1),
      checked('maxBlockMs', options.maxBlockMs ?? DEFAULT_MAX_BLOCK_MS, 0),
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
   * For a group of records (send(), sendBatch()): null when admitted at once, so that the caller
   * can go on synchronously (records produced after it must not overtake it); else a promise that
   * resolves once admitted and rejects after maxBlockMs.
   */
  reserve(bytes: number): Promise<void> | null {
    if (this.tryReserve(bytes)) return null;
    return new Promise<void>((resolve, reject) => this.wait(bytes, resolve, reject));
  }

  /** Queues `bytes` behind any others: `admit` once they are reserved, or `expire` after maxBlockMs. */
  wait(bytes: number, admit: () => void, expire: (error: SluiceBufferExhaustedError) => void): void {
    this.waiting.push({ bytes, deadlineMs: Date.now() + this.maxBlockMs, admit, expire });
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
    for (const record of ready) record.admit();
  }

  /**
   * Removes the first `count` waiting records. The array is compacted only once the taken part is
   * at least half of it, so a long queue drained a batch at a time costs O(1) per record (copying
   * the rest on every release took 7.8 s for 2M records queued behind a 1 MiB buffer).
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
    const expired = this.takeFront(due);
    for (const record of expired) {
      record.expire(new SluiceBufferExhaustedError(this.limitBytes, this.maxBlockMs, this.used));
    }
  }
}
