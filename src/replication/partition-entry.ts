// A partition's Raft entry payload: a fixed 40-byte prefix with the batch facts the leader
// decided (record count, timestamps, producer ids) and the batch's CRC32C when known, followed by
// the batch bytes. In the segment log the prefix becomes the entry header and only the batch bytes
// are stored, so the log holds each batch once; reading an entry back for a follower rebuilds the
// prefix. The payload is one buffer (encodeEntryData) or, to save copying the batch, the prefix
// and the request's batch bytes apart (encodePrefix, Entry.prefix), joined only if the entry goes
// on the wire (entryPayload). The CRC rides along so that no replica computes it again: the
// leader's comes from the produce request's checked CRC, or from the stored header for entries
// read back. A replica that receives bytes damaged on the way stores them with the sender's CRC,
// so reads report them corrupt instead of serving them as sound. (docs/benchmarks.md, "One-voter
// Raft path versus the single-broker partition".)
import { asRaftIndex, asTerm } from '../common/ids';
import type { Entry } from '../raft';
import { checkStorable } from '../storage/entry-format';
import { EntryKind, type AppendEntry, type StoredEntry } from '../storage/types';

export const PREFIX_BYTES = 40;

/** The batch facts the leader decides; the same fields as the storage entry header. */
export type BatchFacts = Pick<AppendEntry, 'recordCount' | 'maxTimestampMs' | 'appendTimeMs' | 'producerId' | 'producerEpoch' | 'baseSequence'>;

/** Where the prefix keeps the batch's CRC32C; 0 means "not known, compute it" (older brokers send 0). */
const CRC_AT = 12;

/**
 * Prefix + batch in one buffer (one copy of the batch). `batchCrc32c` is the CRC32C of `batch`,
 * when the caller checked it against the bytes.
 */
export function encodeEntryData(facts: BatchFacts, batch: Uint8Array, batchCrc32c?: number): Buffer {
  const data = Buffer.allocUnsafe(PREFIX_BYTES + batch.byteLength);
  writePrefix(data, facts, batchCrc32c ?? 0);
  data.set(batch, PREFIX_BYTES);
  return data;
}

/** The prefix alone, for an entry whose `data` is the batch itself (see Entry.prefix). */
export function encodePrefix(facts: BatchFacts, batchCrc32c?: number): Buffer {
  const prefix = Buffer.allocUnsafe(PREFIX_BYTES);
  writePrefix(prefix, facts, batchCrc32c ?? 0);
  return prefix;
}

/** The record count of a normal entry with a payload (0 for a leader's empty no-op entry). */
export function recordCountOf(entry: Entry): number {
  if (entry.prefix !== undefined) return decodeFacts(entry.prefix).recordCount;
  return entry.data.byteLength === 0 ? 0 : decodeFacts(entry.data).recordCount;
}

/**
 * The prefix holds what the entry header will: a batch whose facts the header cannot hold throws
 * UnstorableEntryError here, at the proposal, so that it never enters the Raft log (where it would
 * fail the shared append of every batch beside it, on every replica).
 */
function writePrefix(into: Buffer, facts: BatchFacts, batchCrc32c: number): void {
  checkStorable(facts);
  into.writeUInt32LE(facts.recordCount, 0);
  into.writeInt32LE(facts.producerEpoch, 4);
  into.writeInt32LE(facts.baseSequence, 8);
  into.writeUInt32LE(batchCrc32c >>> 0, CRC_AT);
  into.writeDoubleLE(facts.maxTimestampMs, 16);
  into.writeDoubleLE(facts.appendTimeMs, 24);
  into.writeDoubleLE(facts.producerId, 32);
}

export function decodeFacts(data: Uint8Array): BatchFacts {
  if (data.byteLength < PREFIX_BYTES) throw new Error(`partition entry of ${data.byteLength} bytes is shorter than its ${PREFIX_BYTES}-byte prefix`);
  const view = Buffer.from(data.buffer, data.byteOffset, PREFIX_BYTES);
  return {
    recordCount: view.readUInt32LE(0),
    producerEpoch: view.readInt32LE(4),
    baseSequence: view.readInt32LE(8),
    maxTimestampMs: view.readDoubleLE(16),
    appendTimeMs: view.readDoubleLE(24),
    producerId: view.readDoubleLE(32),
  };
}

/**
 * The storage append for a Raft entry (the batch is a view into entry.data, not a copy). The
 * batch's CRC comes from the prefix when known, else the log computes it (a CRC that is really 0
 * is computed again, to the same 0). A leader's empty no-op entry (thesis §6.4) is stored like a config entry with no bytes: it
 * consumes a Raft index but no offsets. Real config entries always carry bytes.
 */
export function toAppendEntry(entry: Entry): AppendEntry {
  if (entry.type === 'config' || (entry.data.byteLength === 0 && entry.prefix === undefined)) {
    return {
      kind: EntryKind.CONFIG, term: entry.term, raftIndex: entry.index, recordCount: 0, maxTimestampMs: 0, appendTimeMs: 0,
      producerId: 0, producerEpoch: 0, baseSequence: 0, batch: entry.data,
    };
  }
  const prefix = entry.prefix ?? entry.data;
  const facts = decodeFacts(prefix);
  const crc = Buffer.from(prefix.buffer, prefix.byteOffset, PREFIX_BYTES).readUInt32LE(CRC_AT);
  const batch = entry.prefix === undefined ? entry.data.subarray(PREFIX_BYTES) : entry.data;
  return { kind: EntryKind.DATA, term: entry.term, raftIndex: entry.index, ...facts, batch, batchCrc32c: crc !== 0 ? crc : undefined };
}

/** The Raft entry for a stored one (rebuilds the prefix; one copy of the batch). */
export function fromStoredEntry(stored: StoredEntry): Entry {
  const h = stored.header;
  const term = asTerm(h.term);
  const index = asRaftIndex(h.raftIndex);
  if (h.kind === EntryKind.CONFIG) return { term, index, type: stored.batch.byteLength === 0 ? 'normal' : 'config', data: stored.batch };
  return { term, index, type: 'normal', data: encodeEntryData(h, stored.batch, h.crc) };
}
