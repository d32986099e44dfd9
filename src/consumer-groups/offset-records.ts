// Encoding of committed offsets as records of __consumer_offsets: an ordinary RecordBatch whose
// record key and value are small JSON documents (readable with `sluice consume` for debugging).
import { publicProtoRoot } from '../protocol/proto-root';

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

export function encodeOffsetBatch(records: readonly OffsetCommitRecord[], nowMs: number): Buffer {
  const type = publicProtoRoot().lookupType('sluice.v1.RecordBatch');
  const message = type.fromObject({
    baseTimestampMs: nowMs,
    maxTimestampMs: nowMs,
    records: records.map((r) => ({
      key: Buffer.from(JSON.stringify({ g: r.groupId, t: r.topic, p: r.partition } satisfies OffsetKey)),
      value: Buffer.from(JSON.stringify({ o: r.offset, m: r.metadata, ts: r.commitTimeMs, id: r.topicId } satisfies OffsetValue)),
    })),
  });
  return Buffer.from(type.encode(message).finish());
}

export function decodeOffsetRecords(batch: Uint8Array): OffsetCommitRecord[] {
  const type = publicProtoRoot().lookupType('sluice.v1.RecordBatch');
  const decoded = type.decode(batch) as unknown as { records: { key: Uint8Array; value: Uint8Array }[] };
  return decoded.records.map((record) => {
    const key = JSON.parse(Buffer.from(record.key).toString('utf8')) as OffsetKey;
    const value = JSON.parse(Buffer.from(record.value).toString('utf8')) as OffsetValue;
    const commit = { groupId: key.g, topic: key.t, partition: key.p, offset: value.o, metadata: value.m, commitTimeMs: value.ts };
    return typeof value.id === 'string' ? { ...commit, topicId: value.id } : commit;
  });
}
