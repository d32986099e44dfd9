// The Raft entry of a partition batch carries the batch's CRC32C, so that no replica computes it
// again, and may keep the batch apart from its prefix, so that a one-voter group does not copy it
// (docs/benchmarks.md, "One-voter Raft path versus the single-broker partition").
import assert from 'node:assert/strict';
import { crc32c } from '../../src/common/crc32c';
import { asNodeId, asOffset, asRaftIndex, asTerm } from '../../src/common/ids';
import type { Entry } from '../../src/raft';
import { encodeEntryData, encodePrefix, fromStoredEntry, recordCountOf, toAppendEntry, type BatchFacts } from '../../src/replication/partition-entry';
import { fromWire, toWire } from '../../src/replication/raft-wire';
import { EntryKind, type StoredEntry } from '../../src/storage/types';

const FACTS: BatchFacts = { recordCount: 3, maxTimestampMs: 1_700_000_000_123, appendTimeMs: 1_700_000_000_456, producerId: 42, producerEpoch: 2, baseSequence: 7 };
const BATCH = Buffer.from('three records, as the client encoded them');
const entryOf = (data: Uint8Array, prefix?: Uint8Array): Entry => ({ term: asTerm(3), index: asRaftIndex(9), type: 'normal', data, ...(prefix && { prefix }) });
const factsOf = ({ recordCount, maxTimestampMs, appendTimeMs, producerId, producerEpoch, baseSequence }: BatchFacts): BatchFacts => ({ recordCount, maxTimestampMs, appendTimeMs, producerId, producerEpoch, baseSequence });

describe('partition Raft entries', () => {
  it('hand the checked CRC of the produce request to the log append', () => {
    const append = toAppendEntry(entryOf(encodeEntryData(FACTS, BATCH, crc32c(BATCH))));
    assert.equal(append.batchCrc32c, crc32c(BATCH));
    assert.deepEqual(Buffer.from(append.batch), BATCH);
    assert.deepEqual(factsOf(append), FACTS);
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

  it('kept in two parts (the batch not copied behind its prefix), append the same batch, facts and CRC', () => {
    const entry = entryOf(BATCH, encodePrefix(FACTS, crc32c(BATCH)));
    const append = toAppendEntry(entry);
    assert.equal(append.batch, BATCH, 'the batch is the request\'s own buffer');
    assert.deepEqual(factsOf(append), FACTS);
    assert.equal(append.batchCrc32c, crc32c(BATCH));
    assert.equal(recordCountOf(entry), 3);
    assert.equal(recordCountOf(entryOf(encodeEntryData(FACTS, BATCH))), 3);
  });

  it('kept in two parts, travel to a follower as the one-buffer payload', () => {
    const sent = { raftGroupId: 'orders/0', from: asNodeId(1), to: asNodeId(2), message: { type: 'append' as const, from: asNodeId(1), to: asNodeId(2), term: asTerm(3), prevIndex: asRaftIndex(8), prevTerm: asTerm(3), entries: [entryOf(BATCH, encodePrefix(FACTS, crc32c(BATCH)))], commit: asRaftIndex(8) } };
    const received = fromWire(toWire(sent)).message;
    assert.equal(received.type, 'append');
    const [entry] = received.type === 'append' ? received.entries : [];
    assert.deepEqual(Buffer.from(entry!.data), Buffer.concat([encodePrefix(FACTS, crc32c(BATCH)), BATCH]));
    const append = toAppendEntry(entry!);
    assert.deepEqual(Buffer.from(append.batch), BATCH);
    assert.deepEqual(factsOf(append), FACTS);
    assert.equal(append.batchCrc32c, crc32c(BATCH));
  });
});
