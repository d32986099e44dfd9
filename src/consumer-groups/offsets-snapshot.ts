// Bounded replay of __consumer_offsets until it is compacted (docs/consumer-groups.md, "Bounded
// replay"). A snapshot is the state of one offsets partition (offsets-partition-state.ts) as of an
// offset X — the fold of every record below X — written into the same partition as chunks after
// X, so it is replicated and survives failover like any record. The last chunk is written last:
// a snapshot whose last chunk is in the log is complete. A replay finds the newest complete
// snapshot by reading the log backwards from its end, restores it, and folds the records from X
// on, skipping snapshot chunks; records written between X and the last chunk are folded after the
// snapshot is restored. A snapshot's state is computed by such a replay (never from the live,
// optimistic coordinator state), so it is exactly what a replay from the log start would build.
import type { PartitionReplica, ProduceOutcome } from '../partition/replica';
import { decodeConsumerGroupRecord, encodeConsumerGroupRecord } from './coordinator/records';
import { decodeOffsetsPartitionRecords, encodeSnapshotChunkBatch, type OffsetsPartitionRecord, type SnapshotChunk } from './offset-records';
import { applyOffsetsPartitionRecord, emptyOffsetsPartitionState, offsetsPartitionStateSize, setOffset, type OffsetsPartitionState } from './offsets-partition-state';

const READ_BYTES = 8 * 1024 * 1024;
/** Bytes of entries per chunk: each chunk is one batch, well below any batch limit. */
export const SNAPSHOT_CHUNK_BYTES = 256 * 1024;
/** Offsets read backwards first when looking for the newest snapshot; doubled until one is found. */
const FIRST_BACKWARD_WINDOW = 1024;

/** An entry of a snapshot: a committed offset, or a consumer-group record as written to the log. */
type OffsetEntry = [kind: 'o', groupId: string, topic: string, partition: number, offset: number, metadata: string, commitTimeMs: number, topicId: string | null];
type GroupRecordEntry = [kind: 'g', key: string, value: string];

export interface ReplayedPartition {
  readonly state: OffsetsPartitionState;
  /** The state is the fold of every record below this offset. */
  readonly endOffset: number;
  /** Where the forward read began: the newest complete snapshot's offset, or the log start. */
  readonly startOffset: number;
  /** The offset of the snapshot the replay started from, if any. */
  readonly snapshotOffset: number | undefined;
}

/** Replays the partition from its newest complete snapshot (or, with none, its log start). */
export async function replayOffsetsPartition(partition: PartitionReplica, options: { readonly useSnapshot: boolean } = { useSnapshot: true }): Promise<ReplayedPartition> {
  const snapshot = options.useSnapshot ? await findNewestSnapshot(partition) : undefined;
  if (snapshot !== undefined) {
    const replayed = await replayFrom(partition, snapshot);
    if (replayed !== undefined) return replayed;
  }
  const replayed = await replayFrom(partition, undefined);
  return replayed!;
}

/**
 * Writes a snapshot of the partition's state as of its high watermark now. Returns the snapshot's
 * offset and size (state keys), or the failed append (then no complete snapshot was written).
 */
export async function writeOffsetsSnapshot(partition: PartitionReplica, nowMs: () => number): Promise<{ ok: true; snapshotOffset: number; size: number } | Extract<ProduceOutcome, { ok: false }>> {
  const leaderEpoch = partition.leaderEpoch;
  const { state, endOffset } = await replayOffsetsPartition(partition);
  const chunks = chunksOf(state, endOffset, leaderEpoch);
  for (const chunk of chunks) {
    const now = nowMs();
    const outcome = await partition.produce({ batch: encodeSnapshotChunkBatch(chunk, now), acks: 'all', recordCount: 1, maxTimestampMs: now, producerId: 0, producerEpoch: 0, baseSequence: 0 });
    if (!outcome.ok) return outcome;
  }
  return { ok: true, snapshotOffset: endOffset, size: offsetsPartitionStateSize(state) };
}

/** The state as snapshot chunks (at least one, so that an empty state is a snapshot too). */
export function chunksOf(state: OffsetsPartitionState, snapshotOffset: number, leaderEpoch: number): SnapshotChunk[] {
  const groups: (OffsetEntry | GroupRecordEntry)[][] = [[]];
  let bytes = 0;
  const add = (entry: OffsetEntry | GroupRecordEntry): void => {
    const size = JSON.stringify(entry).length;
    if (bytes + size > SNAPSHOT_CHUNK_BYTES && groups.at(-1)!.length > 0) {
      groups.push([]);
      bytes = 0;
    }
    groups.at(-1)!.push(entry);
    bytes += size;
  };
  for (const [groupId, offsets] of state.offsets) {
    for (const o of offsets.values()) add(['o', groupId, o.topic, o.partition, o.offset, o.metadata, o.commitTimeMs, o.topicId ?? null]);
  }
  for (const records of state.groupRecords.values()) {
    for (const record of records.values()) {
      const encoded = encodeConsumerGroupRecord(record);
      add(['g', encoded.key.toString('utf8'), encoded.value!.toString('utf8')]);
    }
  }
  return groups.map((entries, index) => ({ snapshotOffset, leaderEpoch, index, count: groups.length, entries }));
}

/** The state a complete snapshot's chunks hold, in the order they were written. */
export function restoreSnapshot(chunks: readonly SnapshotChunk[]): OffsetsPartitionState {
  const state = emptyOffsetsPartitionState();
  for (const chunk of chunks) {
    for (const entry of chunk.entries as readonly (OffsetEntry | GroupRecordEntry)[]) {
      if (entry[0] === 'o') {
        const [, groupId, topic, partition, offset, metadata, commitTimeMs, topicId] = entry;
        setOffset(state.offsets, topicId === null ? { groupId, topic, partition, offset, metadata, commitTimeMs } : { groupId, topic, partition, offset, metadata, commitTimeMs, topicId });
      } else {
        const record = decodeConsumerGroupRecord(Buffer.from(entry[1]), Buffer.from(entry[2]));
        applyOffsetsPartitionRecord(state, { kind: 'consumer-group', record });
      }
    }
  }
  return state;
}

interface SnapshotId {
  readonly snapshotOffset: number;
  readonly leaderEpoch: number;
}

/** The newest snapshot whose last chunk is below the high watermark, read backwards in doubling windows. */
export async function findNewestSnapshot(partition: PartitionReplica): Promise<SnapshotId | undefined> {
  let end = partition.highWatermark;
  for (let window = FIRST_BACKWARD_WINDOW; end > partition.logStartOffset; window *= 2) {
    const start = Math.max(partition.logStartOffset, end - window);
    let newest: SnapshotId | undefined;
    await scan(partition, start, end, (r) => {
      if (r.kind === 'snapshot-chunk' && r.chunk.index === r.chunk.count - 1) newest = r.chunk;
    });
    if (newest !== undefined) return { snapshotOffset: newest.snapshotOffset, leaderEpoch: newest.leaderEpoch };
    end = start;
  }
  return undefined;
}

/** Folds the log from `from` (a snapshot, restored first) or from the log start; undefined if the snapshot is incomplete. */
async function replayFrom(partition: PartitionReplica, from: SnapshotId | undefined): Promise<ReplayedPartition | undefined> {
  const startOffset = from?.snapshotOffset ?? partition.logStartOffset;
  let state = from === undefined ? emptyOffsetsPartitionState() : undefined;
  const chunks: SnapshotChunk[] = [];
  // Records written between the snapshot's offset and its last chunk: folded once it is restored.
  const before: Exclude<OffsetsPartitionRecord, { kind: 'snapshot-chunk' }>[] = [];
  const endOffset = await scan(partition, startOffset, Infinity, (r) => {
    if (r.kind !== 'snapshot-chunk') {
      if (state) applyOffsetsPartitionRecord(state, r);
      else before.push(r);
      return;
    }
    if (state || r.chunk.snapshotOffset !== from!.snapshotOffset || r.chunk.leaderEpoch !== from!.leaderEpoch) return;
    chunks.push(r.chunk);
    if (r.chunk.index !== r.chunk.count - 1) return;
    if (chunks.length !== r.chunk.count || chunks.some((c, i) => c.index !== i)) throw new Error(`snapshot at offset ${from!.snapshotOffset} of ${partition.topicPartition.topic}/${partition.topicPartition.partition} has chunks ${chunks.map((c) => c.index).join(',')}, expected 0..${r.chunk.count - 1}`);
    state = restoreSnapshot(chunks);
    for (const record of before.splice(0)) applyOffsetsPartitionRecord(state, record);
  });
  if (state === undefined) return undefined;
  return { state, endOffset, startOffset, snapshotOffset: from?.snapshotOffset };
}

/** Calls `visit` for every record of the batches from `start` (the batch holding it) to `end` or the high watermark; returns where it stopped. */
async function scan(partition: PartitionReplica, start: number, end: number, visit: (r: OffsetsPartitionRecord) => void): Promise<number> {
  let offset = start;
  while (offset < Math.min(end, partition.highWatermark)) {
    const { entries } = await partition.read(offset, READ_BYTES);
    if (entries.length === 0) break;
    for (const entry of entries) {
      const next = entry.header.baseOffset + entry.header.recordCount;
      if (next <= offset) continue;
      if (entry.header.baseOffset >= end) return offset;
      for (const r of decodeOffsetsPartitionRecords(entry.batch)) visit(r);
      offset = next;
    }
  }
  return offset;
}
