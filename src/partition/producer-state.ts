// Idempotent-producer bookkeeping for one partition: per producer id, its epoch, the next
// expected sequence and the last few batches (to answer a retried batch with its original
// offset). Kept from the batches each replica appends (so it survives leader changes), on a
// leader with the batches it proposed on top; after a restart restored from the table kept with
// a clean close, else from a producer-state snapshot plus the log after it (producer-snapshots.ts).
// A retry is a duplicate only if it is the same batch: the same sequence range and the same bytes
// (CRC32C), see docs/storage.md "Idempotent-producer state".
import { crc32c } from '../common/crc32c';
import { ErrorCode } from '../common/errors';

/** How many recent batches per producer are remembered for duplicate detection (Kafka: 5). */
export const REMEMBERED_BATCHES = 5;
/**
 * Default of the broker's `producerIdExpirationMs` (Kafka's `producer.id.expiration.ms`, one
 * day): a producer that has written nothing to a partition for this long is forgotten there, so
 * that the table does not grow with every producer that ever wrote. Its next batch is then
 * accepted like a new producer's.
 */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;

interface BatchRecord {
  readonly baseSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
  /**
   * CRC32C of the batch bytes (the entry header's `crc`); undefined when unknown: a table kept
   * by a release that did not remember it, whose match is accepted as that release did.
   */
  crc: number | undefined;
  /** A proposed batch's bytes, whose CRC is computed only when a retry's sequence range matches. */
  readonly proposedBytes?: Uint8Array;
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

/** A batch to check: its facts, and its bytes for the duplicate test. */
export interface CheckedBatch extends ProducerBatchFacts {
  readonly batch: Uint8Array;
  /** CRC32C of `batch` when already known (a produce request's checked CRC); else computed when needed. */
  readonly batchCrc32c?: number;
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
  check(batch: CheckedBatch): SequenceCheck {
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
    if (duplicate) return sameBytes(duplicate, batch) ? { kind: 'duplicate', baseOffset: duplicate.baseOffset } : differentBytes(batch);
    if (batch.baseSequence !== entry.lastSequence + 1) return outOfOrder(batch, entry.lastSequence + 1);
    return ACCEPT;
  }

  /** Remembers an appended batch at `baseOffset`, appended at `appendTimeMs`, whose bytes have CRC32C `crc` (the entry header's). */
  record(batch: ProducerBatchFacts, baseOffset: number, appendTimeMs: number, crc: number): void {
    if (batch.producerId === 0) return;
    const entry = recordInto(this.producers, batch, { baseOffset, crc }, appendTimeMs);
    const ahead = this.proposed.get(batch.producerId);
    if (ahead !== undefined && (ahead.epoch < entry.epoch || (ahead.epoch === entry.epoch && ahead.lastSequence <= entry.lastSequence))) {
      this.proposed.delete(batch.producerId); // every batch it proposed is appended
    }
  }

  /** A leader's batch, proposed at `baseOffset` and not yet appended (`record` follows when it is). */
  recordProposed(batch: CheckedBatch, baseOffset: number, appendTimeMs: number): void {
    if (batch.producerId === 0) return;
    if (!this.proposed.has(batch.producerId)) {
      const appended = this.producers.get(batch.producerId);
      if (appended !== undefined) this.proposed.set(batch.producerId, { ...appended, batches: [...appended.batches] });
    }
    recordInto(this.proposed, batch, { baseOffset, crc: batch.batchCrc32c, proposedBytes: batch.batchCrc32c === undefined ? batch.batch : undefined }, appendTimeMs);
  }

  /** Leadership lost, or an append failed: proposals not yet appended may never be. */
  dropProposed(): void {
    this.proposed.clear();
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

  /**
   * The appended state, as plain data: kept with a clean close of the log (PartitionLog.setCloseAnnex)
   * and in producer-state snapshots (producer-snapshots.ts).
   */
  snapshot(): ProducerSnapshot {
    return [...this.producers].map(([id, e]) => [id, e.epoch, e.lastSequence, e.lastWriteMs, e.batches.map((b) => (b.crc === undefined ? [b.baseSequence, b.lastSequence, b.baseOffset] : [b.baseSequence, b.lastSequence, b.baseOffset, b.crc]))]);
  }

  /** Replaces the state with a snapshot; false (and nothing changed) when `data` is not one. */
  restore(data: unknown): boolean {
    if (!isProducerSnapshot(data)) return false;
    this.clear();
    for (const [id, epoch, lastSequence, lastWriteMs, batches] of data) {
      this.producers.set(id, { epoch, lastSequence, lastWriteMs, batches: batches.map(([baseSequence, last, baseOffset, crc]) => ({ baseSequence, lastSequence: last, baseOffset, crc })) });
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

/**
 * Per producer: id, epoch, last sequence, last write time, and its remembered batches (base
 * sequence, last sequence, base offset, CRC32C). A table kept by a release before 2026-12 has no
 * CRC in its batches (three numbers): their CRC is unknown.
 */
export type ProducerSnapshot = [number, number, number, number, ([number, number, number] | [number, number, number, number])[]][];

function isProducerSnapshot(data: unknown): data is ProducerSnapshot {
  const numbers = (value: unknown, ...lengths: number[]): boolean => Array.isArray(value) && lengths.includes(value.length) && value.every((n) => typeof n === 'number');
  return Array.isArray(data) && data.every((p) => Array.isArray(p) && p.length === 5 && numbers(p.slice(0, 4), 4) && Array.isArray(p[4]) && (p[4] as unknown[]).every((b) => numbers(b, 3, 4)));
}

/** Whether `batch` has the bytes of the remembered batch with its sequence range (an unknown stored CRC matches). */
function sameBytes(stored: BatchRecord, batch: CheckedBatch): boolean {
  if (stored.crc === undefined && stored.proposedBytes !== undefined) stored.crc = crc32c(stored.proposedBytes);
  if (stored.crc === undefined) return true;
  return stored.crc === (batch.batchCrc32c ?? crc32c(batch.batch));
}

function differentBytes(batch: CheckedBatch): SequenceCheck {
  const last = batch.baseSequence + batch.recordCount - 1;
  return {
    kind: 'reject',
    code: ErrorCode.INVALID_DUPLICATE,
    message:
      `producer ${batch.producerId} epoch ${batch.producerEpoch} sent sequences ${batch.baseSequence}-${last} again with different bytes ` +
      `(their CRC32C differs from the stored batch's): a retry must resend the same batch, new records need new sequence numbers; nothing was appended`,
  };
}

function recordInto(producers: Map<number, ProducerEntry>, batch: ProducerBatchFacts, stored: Pick<BatchRecord, 'baseOffset' | 'crc' | 'proposedBytes'>, appendTimeMs: number): ProducerEntry {
  let entry = producers.get(batch.producerId);
  if (!entry || batch.producerEpoch > entry.epoch) {
    entry = { epoch: batch.producerEpoch, lastSequence: -1, batches: [], lastWriteMs: appendTimeMs };
    producers.set(batch.producerId, entry);
  }
  if (appendTimeMs > entry.lastWriteMs) entry.lastWriteMs = appendTimeMs;
  const lastSequence = batch.baseSequence + batch.recordCount - 1;
  entry.lastSequence = lastSequence;
  entry.batches.push({ baseSequence: batch.baseSequence, lastSequence, ...stored });
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
