// Rebuilds idempotent-producer state from the entry headers at the tail of the log, so that
// a retried batch is recognised after a restart. Only headers are used, never record bytes.
import { asRaftIndex } from '../common/ids';
import { EntryKind, type PartitionLog } from '../storage/types';
import type { ProducerStateTable } from './producer-state';

/** How many of the newest entries are replayed; producers idle for longer lose dedup state. */
export const PRODUCER_STATE_REPLAY_ENTRIES = 2_000;
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

export async function rebuildProducerState(log: PartitionLog, table: ProducerStateTable): Promise<void> {
  const last = log.lastRaftIndex;
  let next = Math.max(log.firstRaftIndex, last - PRODUCER_STATE_REPLAY_ENTRIES + 1);
  while (next <= last) {
    const entries = await log.readByRaftIndex(asRaftIndex(next), asRaftIndex(last + 1), READ_CHUNK_BYTES);
    if (entries.length === 0) break;
    for (const { header } of entries) {
      if (header.kind === EntryKind.DATA && header.producerId > 0) {
        table.record(
          { producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, recordCount: header.recordCount },
          header.baseOffset,
          header.appendTimeMs,
        );
      }
    }
    next = entries[entries.length - 1]!.header.raftIndex + 1;
  }
}
