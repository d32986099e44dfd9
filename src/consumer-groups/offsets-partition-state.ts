// The state one __consumer_offsets partition's records describe: the last committed offset per
// group and partition, and the last metadata record per key of every consumer group. It is what a
// replay builds, and what a snapshot of the partition holds (offsets-snapshot.ts): both fold
// records with `applyOffsetsPartitionRecord`, so a snapshot restores exactly what a replay from the
// log start would have built (docs/consumer-groups.md, "Bounded replay").
//
// Keeping only the last record per key is enough: offsets are last-wins per key, and so is every
// consumer-group record kind (coordinator/restore.ts). Map order is part of the state (the order
// a group's members are restored in), and is kept the way restore.ts keeps it: a key written again
// keeps its place, a key deleted and written again goes to the end.
import { recordKeyOf, type ConsumerGroupValueRecord } from './coordinator/records';
import type { OffsetCommitRecord, OffsetsPartitionRecord } from './offset-records';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimeMs: number;
}

/** A committed offset as the coordinator keeps it. */
export type StoredOffset = CommittedOffset & { readonly topic: string; readonly partition: number; readonly topicId?: string };

/** "topic/partition" → committed offset */
export type GroupOffsets = Map<string, StoredOffset>;

export interface OffsetsPartitionState {
  /** group → "topic/partition" → committed offset; no group without offsets. */
  readonly offsets: Map<string, GroupOffsets>;
  /** group → record key (records.ts) → the last record of that key; no group without records. */
  readonly groupRecords: Map<string, Map<string, ConsumerGroupValueRecord>>;
}

export function emptyOffsetsPartitionState(): OffsetsPartitionState {
  return { offsets: new Map(), groupRecords: new Map() };
}

/** Folds one record into the state (a snapshot chunk is not state: the caller handles it). */
export function applyOffsetsPartitionRecord(state: OffsetsPartitionState, r: Exclude<OffsetsPartitionRecord, { kind: 'snapshot-chunk' }>): void {
  switch (r.kind) {
    case 'offset':
      setOffset(state.offsets, r.record);
      break;
    case 'offset-tombstone':
      deleteOffset(state.offsets, r.record.groupId, `${r.record.topic}/${r.record.partition}`);
      break;
    case 'consumer-group': {
      const record = r.record;
      const key = recordKeyOf(record);
      if (record.kind === 'tombstone') {
        // A key with no record restores as it did deleted (restore.ts), except a deleted group's
        // `deleted` flag, which the host treats like a group that never existed.
        const records = state.groupRecords.get(record.groupId);
        records?.delete(key);
        if (records?.size === 0) state.groupRecords.delete(record.groupId);
        break;
      }
      let records = state.groupRecords.get(record.groupId);
      if (!records) state.groupRecords.set(record.groupId, (records = new Map()));
      records.set(key, record);
      break;
    }
  }
}

export function setOffset(offsets: Map<string, GroupOffsets>, record: OffsetCommitRecord): void {
  let group = offsets.get(record.groupId);
  if (!group) offsets.set(record.groupId, (group = new Map()));
  group.set(`${record.topic}/${record.partition}`, {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    metadata: record.metadata,
    commitTimeMs: record.commitTimeMs,
    ...(record.topicId === undefined ? {} : { topicId: record.topicId }),
  });
}

export function deleteOffset(offsets: Map<string, GroupOffsets>, groupId: string, topicPartition: string): void {
  const group = offsets.get(groupId);
  group?.delete(topicPartition);
  if (group?.size === 0) offsets.delete(groupId);
}

/** How many keys the state holds (what a snapshot of it writes). */
export function offsetsPartitionStateSize(state: OffsetsPartitionState): number {
  let n = 0;
  for (const group of state.offsets.values()) n += group.size;
  for (const records of state.groupRecords.values()) n += records.size;
  return n;
}
