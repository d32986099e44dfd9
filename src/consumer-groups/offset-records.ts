// Encoding of the records of __consumer_offsets: an ordinary RecordBatch whose record keys and
// values are small JSON documents (readable with `sluice consume` for debugging). Two kinds share
// the partition: committed offsets (key {g,t,p}) and consumer-group metadata (key {k,g[,m]},
// coordinator/records.ts). A record with an empty value is a tombstone: it deletes its key (JSON
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
  | { readonly kind: 'consumer-group'; readonly record: ConsumerGroupRecord };

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
    if (isConsumerGroupRecordKey(record.key)) return { kind: 'consumer-group', record: decodeConsumerGroupRecord(record.key, value) };
    const key = JSON.parse(Buffer.from(record.key).toString('utf8')) as OffsetKey;
    if (value === null) return { kind: 'offset-tombstone', record: { groupId: key.g, topic: key.t, partition: key.p } };
    const v = JSON.parse(Buffer.from(value).toString('utf8')) as OffsetValue;
    const commit = { groupId: key.g, topic: key.t, partition: key.p, offset: v.o, metadata: v.m, commitTimeMs: v.ts };
    return { kind: 'offset', record: typeof v.id === 'string' ? { ...commit, topicId: v.id } : commit };
  });
}
