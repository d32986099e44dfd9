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
  private waiting: WaitingRecord[] = [];
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
    return this.waiting.length;
  }

  /**
   * Admits `bytes` now if there is room and nothing waits before them (the fast path, no
   * allocation). Room means "below the limit": one record or send() may overshoot it, so a record
   * larger than the whole buffer still goes, alone.
   */
  tryReserve(bytes: number): boolean {
    if (this.waiting.length > 0 || this.used >= this.limitBytes) return false;
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
    while (admitted < this.waiting.length && this.used < this.limitBytes) {
      this.used += this.waiting[admitted]!.bytes;
      admitted++;
    }
    if (admitted === 0) return;
    const ready = this.waiting.slice(0, admitted);
    this.waiting = this.waiting.slice(admitted);
    if (this.waiting.length === 0) this.disarmExpiry();
    for (const record of ready) record.admit();
  }

  private armExpiry(): void {
    if (this.expiryTimer !== undefined || this.waiting.length === 0) return;
    // Every record waits maxBlockMs, so the head of the queue always expires first.
    const delayMs = Math.max(0, this.waiting[0]!.deadlineMs - Date.now());
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
    while (due < this.waiting.length && this.waiting[due]!.deadlineMs <= now) due++;
    if (due === 0) return;
    const expired = this.waiting.slice(0, due);
    this.waiting = this.waiting.slice(due);
    for (const record of expired) {
      record.expire(new SluiceBufferExhaustedError(this.limitBytes, this.maxBlockMs, this.used));
    }
  }
}
