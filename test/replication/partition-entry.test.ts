// The Raft entry of a partition batch carries the batch's CRC32C, so that no replica computes it
// again (docs/benchmarks.md, "One-voter Raft path versus the single-broker partition").
import assert from 'node:assert/strict';
import { crc32c } from '../../src/common/crc32c';
import { asOffset, asRaftIndex, asTerm } from '../../src/common/ids';
import { encodeEntryData, fromStoredEntry, toAppendEntry, type BatchFacts } from '../../src/replication/partition-entry';
import { EntryKind, type StoredEntry } from '../../src/storage/types';

const FACTS: BatchFacts = { recordCount: 3, maxTimestampMs: 1_700_000_000_123, appendTimeMs: 1_700_000_000_456, producerId: 42, producerEpoch: 2, baseSequence: 7 };
const BATCH = Buffer.from('three records, as the client encoded them');
const entryOf = (data: Uint8Array) => ({ term: asTerm(3), index: asRaftIndex(9), type: 'normal' as const, data });

describe('partition Raft entries', () => {
  it('hand the checked CRC of the produce request to the log append', () => {
    const append = toAppendEntry(entryOf(encodeEntryData(FACTS, BATCH, crc32c(BATCH))));
    assert.equal(append.batchCrc32c, crc32c(BATCH));
    assert.deepEqual(Buffer.from(append.batch), BATCH);
    const { recordCount, maxTimestampMs, appendTimeMs, producerId, producerEpoch, baseSequence } = append;
    assert.deepEqual({ recordCount, maxTimestampMs, appendTimeMs, producerId, producerEpoch, baseSequence }, FACTS);
  });

  it('leave the CRC to the log when the request carried none (as entries from older brokers do)', () => {
    assert.equal(toAppendEntry(entryOf(encodeEntryData(FACTS, BATCH))).batchCrc32c, undefined);
  });

  it('read back from the log, carry the stored CRC to followers', () => {
    const stored: StoredEntry = {
      header: { kind: EntryKind.DATA, term: asTerm(3), raftIndex: asRaftIndex(9), baseOffset: asOffset(100), ...FACTS, crc: crc32c(BATCH), batchBytes: BATCH.length },
      batch: BATCH,
    };
    assert.equal(toAppendEntry(fromStoredEntry(stored)).batchCrc32c, crc32c(BATCH));
  });
});
