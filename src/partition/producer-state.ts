// Idempotent-producer bookkeeping for one partition: per producer id, its epoch, the next
// expected sequence and the last few batches (to answer a retried batch with its original
// offset). Kept from the batches each replica appends (so it survives leader changes), on a
// leader with the batches it proposed on top, and rebuilt from the log's tail after a restart.
import { ErrorCode } from '../common/errors';

/** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
export const REMEMBERED_BATCHES = 5;
/**
 * A producer that has written nothing to a partition for this long is forgotten there (Kafka's
 * `producer.id.expiration.ms` default, one day), so that the table does not grow with every
 * producer that ever wrote. Its next batch is then accepted like a new producer's.
 */
export const PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

interface BatchRecord {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  /** Last sequence accepted (appended or pending); -1 before the first batch. */
  lastSequence: number;
  batches: BatchRecord[];
  /** Append time of its newest batch here. */
  lastWriteMs: number;
}

export type SequenceCheck =
  | { readonly kind: 'accept' }
  | { readonly kind: 'duplicate'; readonly baseOffset: number }
  | { readonly kind: 'reject'; readonly code: ErrorCode; readonly message: string };

export interface ProducerBatchFacts {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

const ACCEPT: SequenceCheck = { kind: 'accept' };

export class ProducerStateTable {
  /** What the appended batches say. */
  private readonly producers = new Map<number, ProducerEntry>();
  /**
   * A Raft leader's view on top of it: producers with batches proposed and not yet appended
   * (their proposals may be lost with the leadership, so they never reach `producers`).
   */
  private readonly proposed = new Map<number, ProducerEntry>();

  /** Decides what to do with a batch; does not change state (call `record` after appending). */
  check(batch: ProducerBatchFacts): SequenceCheck {
    if (batch.producerId === 0) return ACCEPT;
    const entry = this.proposed.get(batch.producerId) ?? this.producers.get(batch.producerId);
    if (!entry) {
      return ACCEPT; // first batch seen from this producer here (or its state expired)
    }
    if (batch.producerEpoch < entry.epoch) {
      return {
        kind: 'reject',
        code: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `producer ${batch.producerId} epoch ${batch.producerEpoch} is fenced: the partition has seen epoch ${entry.epoch}`,
      };
    }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.baseSequence === 0) return ACCEPT;
      return outOfOrder(batch, 0);
    }
    const lastSequence = batch.baseSequence + batch.recordCount - 1;
    const duplicate = entry.batches.find((b) => b.baseSequence === batch.baseSequence && b.lastSequence === lastSequence);
    if (duplicate) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    if (batch.baseSequence !== entry.lastSequence + 1) return outOfOrder(batch, entry.lastSequence + 1);
    return ACCEPT;
  }

  /** Remembers an accepted batch at `baseOffset`, appended at `appendTimeMs`. */
  record(batch: ProducerBatchFacts, baseOffset: number, appendTimeMs: number): void {
    if (batch.producerId === 0) return;
    const entry = recordInto(this.producers, batch, baseOffset, appendTimeMs);
    const ahead = this.proposed.get(batch.producerId);
    if (ahead !== undefined && (ahead.epoch < entry.epoch || (ahead.epoch === entry.epoch && ahead.lastSequence <= entry.lastSequence))) {
      this.proposed.delete(batch.producerId); // every batch it proposed is appended
    }
  }

  /** A leader's batch, proposed at `baseOffset` and not yet appended (`record` follows when it is). */
  recordProposed(batch: ProducerBatchFacts, baseOffset: number, appendTimeMs: number): void {
    if (batch.producerId === 0) return;
    if (!this.proposed.has(batch.producerId)) {
      const appended = this.producers.get(batch.producerId);
      if (appended !== undefined) this.proposed.set(batch.producerId, { ...appended, batches: [...appended.batches] });
    }
    recordInto(this.proposed, batch, baseOffset, appendTimeMs);
  }

  /** Leadership lost: proposals not yet appended may never be. */
  dropProposed(): void {
    this.proposed.clear();
  }

  /** Takes the producers this table does not know from `other` (a table rebuilt from the log's tail). */
  adoptMissing(other: ProducerStateTable): void {
    for (const [id, entry] of other.producers) if (!this.producers.has(id)) this.producers.set(id, entry);
  }

  /** Forgets the producers whose newest batch here was appended before `cutoffMs`; returns how many. */
  expireBefore(cutoffMs: number): number {
    let expired = 0;
    for (const [id, entry] of this.producers) {
      if (entry.lastWriteMs < cutoffMs && !this.proposed.has(id)) {
        this.producers.delete(id);
        expired++;
      }
    }
    return expired;
  }

  /** The appended state, as plain data (kept with a clean close of the log: PartitionLog.setCloseAnnex). */
  snapshot(): ProducerSnapshot {
    return [...this.producers].map(([id, e]) => [id, e.epoch, e.lastSequence, e.lastWriteMs, e.batches.map((b) => [b.baseSequence, b.lastSequence, b.baseOffset])]);
  }

  /** Replaces the state with a snapshot; false (and nothing changed) when `data` is not one. */
  restore(data: unknown): boolean {
    if (!isProducerSnapshot(data)) return false;
    this.clear();
    for (const [id, epoch, lastSequence, lastWriteMs, batches] of data) {
      this.producers.set(id, { epoch, lastSequence, lastWriteMs, batches: batches.map(([baseSequence, last, baseOffset]) => ({ baseSequence, lastSequence: last, baseOffset })) });
    }
    return true;
  }

  /** Forgets everything (the caller then replays the log to rebuild). */
  clear(): void {
    this.producers.clear();
    this.proposed.clear();
  }

  get size(): number {
    return this.producers.size;
  }
}

/** Per producer: id, epoch, last sequence, last write time, and its remembered batches (base sequence, last sequence, base offset). */
export type ProducerSnapshot = [number, number, number, number, [number, number, number][]][];

function isProducerSnapshot(data: unknown): data is ProducerSnapshot {
  const numbers = (value: unknown, length: number): boolean => Array.isArray(value) && value.length === length && value.every((n) => typeof n === 'number');
  return Array.isArray(data) && data.every((p) => Array.isArray(p) && p.length === 5 && numbers(p.slice(0, 4), 4) && Array.isArray(p[4]) && (p[4] as unknown[]).every((b) => numbers(b, 3)));
}

function recordInto(producers: Map<number, ProducerEntry>, batch: ProducerBatchFacts, baseOffset: number, appendTimeMs: number): ProducerEntry {
  let entry = producers.get(batch.producerId);
  if (!entry || batch.producerEpoch > entry.epoch) {
    entry = { epoch: batch.producerEpoch, lastSequence: -1, batches: [], lastWriteMs: appendTimeMs };
    producers.set(batch.producerId, entry);
  }
  if (appendTimeMs > entry.lastWriteMs) entry.lastWriteMs = appendTimeMs;
  const lastSequence = batch.baseSequence + batch.recordCount - 1;
  entry.lastSequence = lastSequence;
  entry.batches.push({ baseSequence: batch.baseSequence, lastSequence, baseOffset });
  if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  return entry;
}

function outOfOrder(batch: ProducerBatchFacts, expected: number): SequenceCheck {
  return {
    kind: 'reject',
    code: ErrorCode.OUT_OF_ORDER_SEQUENCE,
    message: `producer ${batch.producerId} epoch ${batch.producerEpoch} sent sequence ${batch.baseSequence}, expected ${expected}`,
  };
}
