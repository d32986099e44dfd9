// Rebuilds a partition's idempotent-producer table from the log, exactly: from the newest
// producer-state snapshot the log still matches (producer-snapshots.ts), or from the log's first
// entry when there is none, then the entries after it. Only entry headers are used, never record
// bytes. Run at open (after a crash) and after a truncation; see docs/storage.md.
import { asRaftIndex } from '../common/ids';
import type { Logger } from '../common/logger';
import { EntryKind, type PartitionLog } from '../storage/types';
import type { ProducerStateTable } from './producer-state';

const READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** Replaces `table` with the producers of the whole log (as retention left it). */
export async function rebuildProducerState(log: PartitionLog, table: ProducerStateTable, logger: Logger): Promise<void> {
  table.clear();
  const next = await restoreNewestSnapshot(log, table, logger);
  await replay(log, next, table);
}

/** Restores the newest readable snapshot the log matches; returns the raft index to replay from. */
async function restoreNewestSnapshot(log: PartitionLog, table: ProducerStateTable, logger: Logger): Promise<number> {
  const usable = log.stateSnapshots.list();
  for (let i = usable.length - 1; i >= 0; i--) {
    const id = usable[i]!;
    try {
      if (table.restore(JSON.parse((await log.stateSnapshots.read(id)).toString('utf8')))) return id.raftIndex + 1;
      logger.warn({ snapshot: id }, `the producer-state snapshot at raft index ${id.raftIndex} is not a producer table; trying an older one`);
    } catch (error) {
      logger.warn({ snapshot: id, err: error }, `cannot read the producer-state snapshot at raft index ${id.raftIndex}; trying an older one`);
    }
  }
  return log.firstRaftIndex;
}

async function replay(log: PartitionLog, from: number, table: ProducerStateTable): Promise<void> {
  let next = from;
  for (;;) {
    const last = log.lastRaftIndex;
    if (next > last) return;
    const entries = await log.readByRaftIndex(asRaftIndex(next), asRaftIndex(last + 1), READ_CHUNK_BYTES);
    if (entries.length === 0) return;
    for (const { header } of entries) {
      if (header.kind === EntryKind.DATA && header.producerId > 0) table.record(header, header.baseOffset, header.appendTimeMs, header.crc);
    }
    next = entries[entries.length - 1]!.header.raftIndex + 1;
  }
}
