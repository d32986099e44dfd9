// Committed consumer-group offsets, stored as records of the internal `__consumer_offsets` topic
// (key = group/topic/partition, value = offset and metadata) through the same partition path as
// data, so they are as durable as data (and replicated with it once partitions are). The
// in-memory table is rebuilt by replaying those partitions on start.
import type { Clock } from '../common/clock';
import { ErrorCode } from '../common/errors';
import type { PartitionReplica } from '../partition/replica';
import { decodeOffsetRecords, encodeOffsetBatch, type OffsetCommitRecord } from './offset-records';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimeMs: number;
}

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

const GROUP_ID = /^[a-zA-Z0-9._-]{1,249}$/;
export const MAX_OFFSET_METADATA_BYTES = 4096;

/** Returns why `groupId` is invalid, or undefined. */
export function groupIdProblem(groupId: string): string | undefined {
  return GROUP_ID.test(groupId) ? undefined : `group id '${groupId}' is invalid: use 1-249 characters from [a-zA-Z0-9._-]`;
}

/** Java's String.hashCode, as Kafka uses to place a group on an offsets partition. */
export function javaStringHash(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  return hash;
}

export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const hash = javaStringHash(groupId);
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % partitions;
}

export class OffsetStore {
  /** group → "topic/partition" → committed offset */
  private readonly groups = new Map<string, Map<string, CommittedOffset & { topic: string; partition: number }>>();

  constructor(
    private readonly partitions: readonly PartitionReplica[],
    private readonly clock: Clock,
  ) {}

  /** Replays every offsets partition from its start up to its high watermark. */
  async load(): Promise<void> {
    for (const partition of this.partitions) {
      let offset = partition.logStartOffset;
      while (offset < partition.highWatermark) {
        const { entries } = await partition.read(offset, 8 * 1024 * 1024);
        if (entries.length === 0) break;
        for (const entry of entries) {
          for (const record of decodeOffsetRecords(entry.batch)) this.apply(record);
          offset = entry.header.baseOffset + entry.header.recordCount;
        }
      }
    }
  }

  async commit(groupId: string, offsets: readonly OffsetToCommit[]): Promise<CommitOutcome> {
    const commitTimeMs = this.clock.nowMs();
    const records: OffsetCommitRecord[] = offsets.map((o) => ({ groupId, ...o, commitTimeMs }));
    const partition = this.partitions[offsetsPartitionFor(groupId, this.partitions.length)]!;
    const batch = encodeOffsetBatch(records, commitTimeMs);
    const outcome = await partition.produce({
      batch,
      acks: 'all',
      recordCount: records.length,
      maxTimestampMs: commitTimeMs,
      producerId: 0,
      producerEpoch: 0,
      baseSequence: 0,
    });
    if (!outcome.ok) return outcome;
    for (const record of records) this.apply(record);
    return { ok: true };
  }

  /** Committed offsets of a group; all of them when `partitions` is empty. */
  fetch(groupId: string, partitions: readonly { topic: string; partition: number }[]): (CommittedOffset & { topic: string; partition: number })[] {
    const group = this.groups.get(groupId);
    if (partitions.length === 0) return group ? [...group.values()] : [];
    return partitions.map((p) => group?.get(`${p.topic}/${p.partition}`) ?? { ...p, offset: -1, metadata: '', commitTimeMs: 0 });
  }

  listGroups(): string[] {
    return [...this.groups.keys()].sort();
  }

  /** Forgets offsets of a deleted topic (in memory; stale records are ignored on replay by the caller's topic check). */
  forgetTopic(topic: string): void {
    for (const group of this.groups.values()) {
      for (const [key, value] of group) if (value.topic === topic) group.delete(key);
    }
  }

  private apply(record: OffsetCommitRecord): void {
    let group = this.groups.get(record.groupId);
    if (!group) {
      group = new Map();
      this.groups.set(record.groupId, group);
    }
    group.set(`${record.topic}/${record.partition}`, {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      metadata: record.metadata,
      commitTimeMs: record.commitTimeMs,
    });
  }
}
