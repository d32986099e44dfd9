// The producer's per-partition state: the open batch collecting records, sealed batches waiting
// to be sent, and the unacknowledged ones in sequence order. No I/O here (see producer.ts).
import { partitionKey } from '../common/ids';
import { moduleLogger } from '../common/logger';
import type { SluiceError } from '../common/errors';
import type { Message, ProduceCallback } from './types';

const log = moduleLogger('producer');

/**
 * Who waits for records of a batch, in record order: a bare callback waits for one record (no
 * object per record on the produce() path); a group waits for consecutive records of one send()
 * call and is told once, with the first one's offset (-1 with acks 'none').
 */
export type Waiter = ProduceCallback | GroupWaiter;

export interface GroupWaiter {
  count: number;
  readonly group: object;
  readonly callback: ProduceCallback;
}

export class SealedBatch {
  /** Sequence the batch was last encoded and sent with (-1 before the first send). */
  sentSequence = -1;
  /** The bytes sent; cleared when the producer's epoch changes (the batch is then re-encoded). */
  encoded: Buffer | undefined;
  attempts = 0;
  /**
   * Some attempt may have stored the batch (an unknown outcome: OUTCOME_UNKNOWN, a timeout, a
   * connection lost after sending). While set, its sequence numbers are never given to other
   * records: giving it up bumps the producer's epoch instead (docs/client.md, "Unknown outcomes").
   */
  outcomeUnknown = false;
  lastError: SluiceError | undefined;

  constructor(
    readonly id: number,
    readonly partition: PartitionState,
    readonly records: Message[],
    readonly waiters: Waiter[],
    /** First record's sequence; -1 when not idempotent. Moves down when an earlier batch is proven not stored, restarts at 0 with a new epoch. */
    public baseSequence: number,
    /** Timestamp of records that have none; the producer's deliveryTimeoutMs counts from it. */
    readonly sealedAtMs: number,
    /** estimateBytes() of its records: what the producer's buffer frees when the batch settles. */
    readonly bytes: number,
  ) {}

  /** Tells every waiter; record i of the batch has offset baseOffset + i (-1 stays -1). */
  succeed(baseOffset: number): void {
    const { topic, partition } = this.partition;
    let offset = baseOffset;
    for (const waiter of this.waiters) {
      callSafely(callbackOf(waiter), null, { topic, partition, offset });
      if (offset >= 0) offset += typeof waiter === 'function' ? 1 : waiter.count;
    }
  }

  fail(error: Error): void {
    for (const waiter of this.waiters) callSafely(callbackOf(waiter), error, undefined);
  }
}

const callbackOf = (waiter: Waiter): ProduceCallback => (typeof waiter === 'function' ? waiter : waiter.callback);

/** A callback that throws must not keep the batch's other records from being told (Kafka logs it too). */
export function callSafely(callback: ProduceCallback, error: Error | null, metadata: Parameters<ProduceCallback>[1]): void {
  try {
    callback(error, metadata);
  } catch (thrown) {
    log.error({ err: thrown instanceof Error ? thrown.message : String(thrown) }, 'a produce callback threw: ignored');
  }
}

export class PartitionState {
  readonly key: string;
  open: Message[] = [];
  openWaiters: Waiter[] = [];
  openBytes = 0;
  /** Sealed and not yet sent (or waiting to be resent), in id order. */
  readonly ready: SealedBatch[] = [];
  /** Sealed and not yet acknowledged (sent or not), in id order. */
  readonly unacked: SealedBatch[] = [];
  inFlight = 0;
  /**
   * Set after a retriable failure: resend the unacknowledged batches one at a time, in order,
   * until one succeeds, so an idempotent partition's sequence stays gapless.
   */
  recovering = false;
  retryAtMs = 0;
  /** Next sequence to assign (idempotent producers); wraps at 2^31 like Kafka's. */
  nextSequence = 0;

  constructor(readonly topic: string, readonly partition: number) {
    this.key = partitionKey({ topic, partition });
  }

  append(message: Message, bytes: number, callback: ProduceCallback): void {
    this.open.push(message);
    this.openBytes += bytes;
    this.openWaiters.push(callback);
  }

  /** Appends a record of `group`; returns whether it needed a waiter of its own (not merged into the last one). */
  appendToGroup(message: Message, bytes: number, group: object, callback: ProduceCallback): boolean {
    this.open.push(message);
    this.openBytes += bytes;
    const waiters = this.openWaiters;
    const last = waiters[waiters.length - 1];
    if (last !== undefined && typeof last !== 'function' && last.group === group) {
      last.count++;
      return false;
    }
    waiters.push({ count: 1, group, callback });
    return true;
  }

  /** Moves the open records into a sealed batch (no-op when empty). */
  seal(id: number, idempotent: boolean, nowMs: number): SealedBatch | undefined {
    if (this.open.length === 0) return undefined;
    const count = this.open.length;
    let baseSequence = -1;
    if (idempotent) {
      baseSequence = this.nextSequence;
      this.nextSequence = (this.nextSequence + count) % 2147483648;
    }
    const batch = new SealedBatch(id, this, this.open, this.openWaiters, baseSequence, nowMs, this.openBytes);
    this.open = [];
    this.openWaiters = [];
    this.openBytes = 0;
    this.ready.push(batch);
    this.unacked.push(batch);
    return batch;
  }

  /** Puts a batch back for another attempt, keeping id order. */
  requeue(batch: SealedBatch): void {
    let i = this.ready.length;
    while (i > 0 && this.ready[i - 1]!.id > batch.id) i--;
    this.ready.splice(i, 0, batch);
  }

  acknowledge(batch: SealedBatch): void {
    const i = this.unacked.indexOf(batch);
    if (i >= 0) this.unacked.splice(i, 1);
  }

  /**
   * Drops a batch that failed for good and is proven not stored (every attempt was refused before
   * it was appended). For an idempotent producer the later batches move down by its record count
   * so that the broker sees no gap in the sequence. A batch that may be stored is given up with
   * forget() and an epoch bump instead (docs/client.md, "Unknown outcomes").
   */
  drop(batch: SealedBatch): void {
    this.forget(batch);
    if (batch.baseSequence < 0) return;
    const count = batch.records.length;
    for (const later of this.unacked) {
      if (later.id > batch.id) later.baseSequence = (later.baseSequence - count + 2147483648) % 2147483648;
    }
    this.nextSequence = (this.nextSequence - count + 2147483648) % 2147483648;
  }

  /** Removes a batch given up for good, leaving every other batch's sequence as it is. */
  forget(batch: SealedBatch): void {
    this.acknowledge(batch);
    const readyIndex = this.ready.indexOf(batch);
    if (readyIndex >= 0) this.ready.splice(readyIndex, 1);
    if (this.unacked.length === 0) this.recovering = false;
  }

  /**
   * The producer's epoch changed: the unacknowledged batches (none of them in flight, none of
   * unknown outcome) are new batches to the broker, numbered from 0 in order and re-encoded.
   */
  restartSequences(): void {
    let next = 0;
    for (const batch of this.unacked) {
      batch.baseSequence = next;
      batch.encoded = undefined;
      batch.sentSequence = -1;
      next += batch.records.length;
    }
    this.nextSequence = next;
  }

  isHead(batch: SealedBatch): boolean {
    return this.unacked[0] === batch;
  }
}

/** Approximate encoded size of a message, for batch sizing. */
export function estimateBytes(message: Message): number {
  let size = 8;
  const { key, value, headers } = message;
  if (key != null) size += key.length;
  if (value != null) size += value.length;
  if (headers !== undefined) for (const k in headers) size += k.length + headers[k]!.length + 4;
  return size;
}
