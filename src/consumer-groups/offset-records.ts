// Encoding of the records of __consumer_offsets: an ordinary RecordBatch whose record keys and
// values are small JSON documents (readable with `sluice consume` for debugging). Three kinds share
// the partition: committed offsets (key {g,t,p}), consumer-group metadata (key {k,g[,m]},
// coordinator/records.ts) and the chunks of snapshots of the partition's state (key
// {snap,e,n,of}, offsets-snapshot.ts). A record with an empty value is a tombstone: it deletes its key (JSON
// values are never empty, and proto3 cannot tell an empty value from an absent one).
import { publicProtoRoot } from '../protocol/proto-root';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord, isConsumerGroupRecordKey, type ConsumerGroupRecord, type EncodedRecord } from './coordinator/records';

export interface OffsetCommitRecord {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimeMs: number;
  /** The id of the topic the offset was committed against; absent in commits written before topics had ids. */
  readonly topicId?: string;
}

/** Deletes a group's committed offset (DeleteGroups). */
export interface OffsetTombstone {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/** One record of __consumer_offsets, as a replay reads it. */
export type OffsetsPartitionRecord =
  | { readonly kind: 'offset'; readonly record: OffsetCommitRecord }
  | { readonly kind: 'offset-tombstone'; readonly record: OffsetTombstone }
  | { readonly kind: 'consumer-group'; readonly record: ConsumerGroupRecord }
  | { readonly kind: 'snapshot-chunk'; readonly chunk: SnapshotChunk };

/** One record of a snapshot of an offsets partition's state (offsets-snapshot.ts). */
export interface SnapshotChunk {
  /** The snapshot describes the records below this offset. */
  readonly snapshotOffset: number;
  /** The leader epoch of the leader that wrote it (two leaders' snapshots never mix). */
  readonly leaderEpoch: number;
  readonly index: number;
  /** Chunks of the snapshot; the one with index count-1 is written last and completes it. */
  readonly count: number;
  /** The state's entries in this chunk, as offsets-snapshot.ts encodes them. */
  readonly entries: readonly unknown[];
}

interface SnapshotKey {
  readonly snap: number;
  readonly e: number;
  readonly n: number;
  readonly of: number;
}

interface OffsetKey {
  readonly g: string;
  readonly t: string;
  readonly p: number;
}

interface OffsetValue {
  readonly o: number;
  readonly m: string;
  readonly ts: number;
  readonly id?: string;
}

const offsetKey = (r: OffsetTombstone): Buffer => Buffer.from(JSON.stringify({ g: r.groupId, t: r.topic, p: r.partition } satisfies OffsetKey));

export function encodeOffsetBatch(records: readonly OffsetCommitRecord[], nowMs: number): Buffer {
  return encodeBatch(
    records.map((r) => ({ key: offsetKey(r), value: Buffer.from(JSON.stringify({ o: r.offset, m: r.metadata, ts: r.commitTimeMs, id: r.topicId } satisfies OffsetValue)) })),
    nowMs,
  );
}

/** Consumer-group metadata records and offset tombstones, in one batch (appended atomically). */
export function encodeConsumerGroupBatch(records: readonly ConsumerGroupRecord[], offsetTombstones: readonly OffsetTombstone[], nowMs: number): Buffer {
  return encodeBatch([...records.map(encodeConsumerGroupRecord), ...offsetTombstones.map((t) => ({ key: offsetKey(t), value: null }))], nowMs);
}

/** One snapshot chunk as a batch of one record. */
export function encodeSnapshotChunkBatch(chunk: SnapshotChunk, nowMs: number): Buffer {
  const key: SnapshotKey = { snap: chunk.snapshotOffset, e: chunk.leaderEpoch, n: chunk.index, of: chunk.count };
  return encodeBatch([{ key: Buffer.from(JSON.stringify(key)), value: Buffer.from(JSON.stringify(chunk.entries)) }], nowMs);
}

function encodeBatch(records: readonly EncodedRecord[], nowMs: number): Buffer {
  const type = publicProtoRoot().lookupType('sluice.v1.RecordBatch');
  const message = type.fromObject({
    baseTimestampMs: nowMs,
    maxTimestampMs: nowMs,
    records: records.map((r) => (r.value === null ? { key: r.key } : { key: r.key, value: r.value })),
  });
  return Buffer.from(type.encode(message).finish());
}

export function decodeOffsetsPartitionRecords(batch: Uint8Array): OffsetsPartitionRecord[] {
  const type = publicProtoRoot().lookupType('sluice.v1.RecordBatch');
  const decoded = type.decode(batch) as unknown as { records: { key: Uint8Array; value: Uint8Array }[] };
  return decoded.records.map((record): OffsetsPartitionRecord => {
    const value = record.value.length === 0 ? null : record.value;
    const snapshot = snapshotChunkOf(record.key, value);
    if (snapshot !== undefined) return { kind: 'snapshot-chunk', chunk: snapshot };
    if (isConsumerGroupRecordKey(record.key)) return { kind: 'consumer-group', record: decodeConsumerGroupRecord(record.key, value) };
    const key = JSON.parse(Buffer.from(record.key).toString('utf8')) as OffsetKey;
    if (value === null) return { kind: 'offset-tombstone', record: { groupId: key.g, topic: key.t, partition: key.p } };
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as OffsetValue;
    const commit = { groupId: key.g, topic: key.t, partition: key.p, offset: v.o, metadata: v.m, commitTimeMs: v.ts };
    return { kind: 'offset', record: typeof v.id === 'string' ? { ...commit, topicId: v.id } : commit };
  });
}

/** The snapshot chunk a record holds, or undefined if its key is not a snapshot chunk's. */
function snapshotChunkOf(key: Uint8Array, value: Uint8Array | null): SnapshotChunk | undefined {
  let parsed: Partial<SnapshotKey>;
  try {
    parsed = JSON.parse(Buffer.from(key).toString('utf8')) as Partial<SnapshotKey>;
  } catch {
    return undefined;
  }
  if (typeof parsed.snap !== 'number') return undefined;
  const entries: unknown = value === null ? undefined : JSON.parse(Buffer.from(value).toString('utf8'));
  if (typeof parsed.e !== 'number' || typeof parsed.n !== 'number' || typeof parsed.of !== 'number' || !Array.isArray(entries)) {
    throw new Error(`snapshot chunk ${Buffer.from(key).toString('utf8')} is not valid: expected a key {"snap":offset,"e":epoch,"n":index,"of":count} and a JSON array value`);
  }
  return { snapshotOffset: parsed.snap, leaderEpoch: parsed.e, index: parsed.n, count: parsed.of, entries };
}
