// Idempotent-producer bookkeeping for one partition: per producer id, its epoch, the next
// expected sequence and the last few batches (to answer a retried batch with its original
// offset). Rebuilt from the log's entry headers on start, so it survives restarts and (later)
// leader changes.
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
  private readonly producers = new Map<number, ProducerEntry>();

  /** Decides what to do with a batch; does not change state (call `record` after appending). */
  check(batch: ProducerBatchFacts): SequenceCheck {
    if (batch.producerId === 0) return ACCEPT;
    const entry = this.producers.get(batch.producerId);
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
    let entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.epoch) {
      entry = { epoch: batch.producerEpoch, lastSequence: -1, batches: [], lastWriteMs: appendTimeMs };
      this.producers.set(batch.producerId, entry);
    }
    if (appendTimeMs > entry.lastWriteMs) entry.lastWriteMs = appendTimeMs;
    const lastSequence = batch.baseSequence + batch.recordCount - 1;
    entry.lastSequence = lastSequence;
    entry.batches.push({ baseSequence: batch.baseSequence, lastSequence, baseOffset });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }

  /** Forgets the producers whose newest batch here was appended before `cutoffMs`; returns how many. */
  expireBefore(cutoffMs: number): number {
    let expired = 0;
    for (const [id, entry] of this.producers) {
      if (entry.lastWriteMs < cutoffMs) {
        this.producers.delete(id);
        expired++;
      }
    }
    return expired;
  }

  /** Forgets everything (the caller then replays the log to rebuild). */
  clear(): void {
    this.producers.clear();
  }

  get size(): number {
    return this.producers.size;
  }
}

function outOfOrder(batch: ProducerBatchFacts, expected: number): SequenceCheck {
  return {
    kind: 'reject',
    code: ErrorCode.OUT_OF_ORDER_SEQUENCE,
    message: `producer ${batch.producerId} epoch ${batch.producerEpoch} sent sequence ${batch.baseSequence}, expected ${expected}`,
  };
}
