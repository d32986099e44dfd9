// When a partition writes a snapshot of its idempotent-producer table (as Kafka does): at every
// segment roll, so that a snapshot survives retention with the oldest segment kept (one at the
// roll into segment k still matches the log once the segments before k are deleted), and every
// PRODUCER_SNAPSHOT_INTERVAL_BYTES of appended batches, so that the log read to rebuild the table
// after a crash or a truncation stays short (producer-state-rebuild.ts, docs/storage.md).
import type { Logger } from '../common/logger';
import type { EntryHeader, PartitionLog } from '../storage/types';
import type { ProducerStateTable } from './producer-state';

/** Batch bytes appended between two snapshots: bounds what a rebuild reads after the newest one. */
export const PRODUCER_SNAPSHOT_INTERVAL_BYTES = 16 * 1024 * 1024;

export class ProducerSnapshotSchedule {
  private bytesSinceSnapshot = 0;
  private segmentBaseOffset: number;

  constructor(
    private readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {
    this.segmentBaseOffset = log.activeSegmentBaseOffset;
  }

  /**
   * After `headers` were appended to the log and recorded in `table` (which then describes the
   * log exactly up to the last of them): writes a snapshot when the log rolled or enough bytes
   * went by. The write goes on in the background; a failed one costs only a longer rebuild.
   */
  afterAppend(headers: readonly EntryHeader[], table: ProducerStateTable): void {
    const last = headers[headers.length - 1];
    if (last === undefined) return;
    for (const header of headers) this.bytesSinceSnapshot += header.batchBytes;
    const rolled = this.log.activeSegmentBaseOffset !== this.segmentBaseOffset;
    if (!rolled && this.bytesSinceSnapshot < PRODUCER_SNAPSHOT_INTERVAL_BYTES) return;
    this.segmentBaseOffset = this.log.activeSegmentBaseOffset;
    this.bytesSinceSnapshot = 0;
    const data = Buffer.from(JSON.stringify(table.snapshot()), 'utf8');
    this.log.stateSnapshots.write({ raftIndex: last.raftIndex, term: last.term }, data).catch((error: unknown) => {
      this.logger.warn({ err: error, raftIndex: last.raftIndex }, 'writing a producer-state snapshot failed: a rebuild after a crash reads further back');
    });
  }
}
