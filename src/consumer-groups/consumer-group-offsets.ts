// Committed consumer-group offsets, stored as records of the internal `__consumer_offsets` topic
// (key = group/topic/partition, value = offset and metadata) through the same partition path as
// data, so they are as durable as data and replicated with it. The same partitions hold the
// consumer groups' metadata records (coordinator/records.ts). The in-memory state of a partition
// (offset table, consumer-group coordinators) is rebuilt by replaying it when this broker becomes
// its leader; consumer-group-coordinators.ts drives the coordinators.
import type { Clock } from '../common/clock';
import { ErrorCode, SluiceError } from '../common/errors';
import { moduleLogger } from '../common/logger';
import type { PartitionReplica } from '../partition/replica';
import type { ConsumerGroup } from './coordinator/consumer-group';
import type { ConsumerGroupRecord } from './coordinator/records';
import { encodeConsumerGroupBatch, encodeOffsetBatch, type OffsetCommitRecord, type OffsetTombstone } from './offset-records';
import { deleteOffset, offsetsPartitionStateSize, setOffset, type CommittedOffset, type GroupOffsets, type StoredOffset } from './offsets-partition-state';
import { replayOffsetsPartition, writeOffsetsSnapshot } from './offsets-snapshot';

export type { CommittedOffset } from './offsets-partition-state';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** What tells the topic that exists now under a name apart from earlier and later ones. */
export interface TopicIdentity {
  readonly topicId: string;
  /** Only for commits written before topics had ids (they carry no topic id). */
  readonly createdAtMs: number;
}

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string;
}

export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

// Any characters but control ones, as Kafka takes any string (`team:billing/v2`); the length
// bounds what a request may make the coordinator keep.
// eslint-disable-next-line no-control-regex
const GROUP_ID = /^[^\u0000-\u001f\u007f-\u009f]{1,249}$/u;
const MAX_SHOWN_GROUP_ID_CHARS = 64;
export const MAX_OFFSET_METADATA_BYTES = 4096;

/** Returns why `groupId` is invalid, or undefined. */
export function groupIdProblem(groupId: string): string | undefined {
  if (GROUP_ID.test(groupId)) return undefined;
  const shown = groupId.length > MAX_SHOWN_GROUP_ID_CHARS ? `${JSON.stringify(groupId.slice(0, MAX_SHOWN_GROUP_ID_CHARS))}… (${groupId.length} characters)` : JSON.stringify(groupId);
  return `group id ${shown} is invalid: use 1-249 characters, none of them control characters`;
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

/** This broker does not coordinate the group (not the leader of its offsets partition). */
export class NotCoordinatorError extends SluiceError {
  constructor(
    message: string,
    readonly offsetsPartition: number,
  ) {
    super(ErrorCode.NOT_COORDINATOR, message);
  }
}

/** What this broker holds in memory for one offsets partition it leads. */
export interface LoadedPartition {
  readonly partition: number;
  /** Leader epoch the state was loaded for; a new epoch reloads (another leader may have written). */
  readonly epoch: number;
  /** group → "topic/partition" → committed offset */
  readonly groups: Map<string, GroupOffsets>;
  /** Consumer-group coordinators restored or created since the load; the only copy of their state that may change. */
  readonly coordinators: Map<string, ConsumerGroup>;
  /** Metadata records the replay read for groups not restored yet (each is restored on first use, then removed). */
  readonly unrestored: Map<string, ConsumerGroupRecord[]>;
  /** The newest snapshot of the partition (or its log start) and the size of the state it held, in keys. */
  lastSnapshot: { readonly offset: number; readonly size: number };
}

/**
 * The group coordinator's offset tables, one per offsets partition this broker leads. A table is
 * (re)built by replaying its partition when this broker becomes its leader (as Kafka's
 * coordinator loads __consumer_offsets), then kept current by the commits it makes.
 */
export class ConsumerGroupOffsets {
  private readonly tables = new Map<number, LoadedPartition>();
  private readonly loading = new Map<number, Promise<LoadedPartition>>();

  constructor(
    /** This broker's replica of offsets partition `p`, if it holds one. */
    private readonly replicaOf: (partition: number) => PartitionReplica | undefined,
    private readonly partitionCount: number,
    private readonly nodeId: number,
    private readonly clock: Clock,
    /**
     * The topic that exists now under `name`, or undefined if none does. A committed offset counts
     * only for the topic it was committed against (its topic id): commits of a deleted topic, or
     * of an earlier topic of the same name, are not answered.
     */
    private readonly topicOf: (name: string) => TopicIdentity | undefined,
    /**
     * A snapshot of a partition's state is written once this many records, and at least as many
     * as the last snapshot held keys, were appended since the last one (docs/consumer-groups.md,
     * "Bounded replay").
     */
    private readonly snapshotMinRecords: number,
  ) {}

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.partitionCount);
  }

  async commit(groupId: string, offsets: readonly OffsetToCommit[]): Promise<CommitOutcome> {
    const p = this.partitionFor(groupId);
    const table = await this.table(p);
    const partition = this.replicaOf(p)!;
    const commitTimeMs = this.clock.nowMs();
    const records: OffsetCommitRecord[] = offsets.map((o) => {
      const topicId = this.topicOf(o.topic)?.topicId;
      return topicId === undefined ? { groupId, ...o, commitTimeMs } : { groupId, ...o, commitTimeMs, topicId };
    });
    const outcome = await partition.produce({
      batch: encodeOffsetBatch(records, commitTimeMs),
      acks: 'all',
      recordCount: records.length,
      maxTimestampMs: commitTimeMs,
      producerId: 0,
      producerEpoch: 0,
      baseSequence: 0,
    });
    if (!outcome.ok) return outcome;
    for (const record of records) setOffset(table.groups, record);
    return { ok: true };
  }

  /** Committed offsets of a group; all of them when `partitions` is empty. */
  async fetch(groupId: string, partitions: readonly { topic: string; partition: number }[]): Promise<(CommittedOffset & { topic: string; partition: number })[]> {
    const group = (await this.table(this.partitionFor(groupId))).groups.get(groupId);
    const current = (o: StoredOffset): boolean => {
      const topic = this.topicOf(o.topic);
      if (topic === undefined) return false;
      // Commits without a topic id (written before topics had ids): the creation-time rule they were written under.
      return o.topicId === undefined ? o.commitTimeMs >= topic.createdAtMs : o.topicId === topic.topicId;
    };
    if (partitions.length === 0) return group ? [...group.values()].filter(current).map(shown) : [];
    return partitions.map((p) => {
      const committed = group?.get(`${p.topic}/${p.partition}`);
      return committed && current(committed) ? shown(committed) : { ...p, offset: -1, metadata: '', commitTimeMs: 0 };
    });
  }

  /** The states loaded now of partitions this broker still leads at the epoch they were loaded for (no I/O, for /metrics). */
  loadedPartitions(): LoadedPartition[] {
    return [...this.tables.values()].filter((t) => this.isLeader(t.partition) && this.replicaOf(t.partition)?.leaderEpoch === t.epoch);
  }

  /** The loaded state of the group's offsets partition; throws NotCoordinatorError unless this broker leads it. */
  loadedFor(groupId: string): Promise<LoadedPartition> {
    return this.table(this.partitionFor(groupId));
  }

  /** The loaded state of every offsets partition this broker leads (loading those not loaded yet). */
  async ledPartitions(): Promise<LoadedPartition[]> {
    const led: LoadedPartition[] = [];
    for (let p = 0; p < this.partitionCount; p++) {
      if (!this.isLeader(p)) continue;
      const table = await this.table(p).catch((error: unknown) => {
        if (error instanceof NotCoordinatorError) return undefined;
        throw error;
      });
      if (table) led.push(table);
    }
    return led;
  }

  /**
   * Appends a consumer group's metadata records and offset tombstones in one batch (acks=all):
   * durable on a majority when it resolves ok. `loaded` is the state the coordinator acted on:
   * nothing is appended unless it is still this broker's current state of the partition. On
   * failure the partition's in-memory state is dropped, to be replayed from the log (the
   * coordinator already acted on what was not written); so is a state loaded while the append
   * was under way (a leadership change and back), which may not hold the appended records.
   */
  async appendConsumerGroupRecords(loaded: LoadedPartition, records: readonly ConsumerGroupRecord[], offsetTombstones: readonly OffsetTombstone[] = []): Promise<CommitOutcome> {
    const p = loaded.partition;
    const partition = this.replicaOf(p);
    if (!partition || this.tables.get(p) !== loaded || partition.leaderEpoch !== loaded.epoch) {
      if (this.tables.get(p) === loaded) this.tables.delete(p);
      return { ok: false, code: ErrorCode.NOT_COORDINATOR, message: `broker ${this.nodeId} no longer coordinates offsets partition ${p} as it did when the request arrived` };
    }
    const nowMs = this.clock.nowMs();
    const outcome = await partition.produce({
      batch: encodeConsumerGroupBatch(records, offsetTombstones, nowMs),
      acks: 'all',
      recordCount: records.length + offsetTombstones.length,
      maxTimestampMs: nowMs,
      producerId: 0,
      producerEpoch: 0,
      baseSequence: 0,
    });
    if (!outcome.ok || this.tables.get(p) !== loaded) {
      this.tables.delete(p);
      if (!outcome.ok) return outcome;
    }
    for (const t of offsetTombstones) deleteOffset(loaded.groups, t.groupId, `${t.topic}/${t.partition}`);
    return { ok: true };
  }

  /**
   * Writes a snapshot of the partition's state if enough was appended since the last one: at
   * least `snapshotMinRecords` records and as many as the last snapshot held keys, so that
   * snapshots cost at most about one record written per record appended, and a replay reads at
   * most the newest snapshot and about as much again. Returns the snapshot's offset, if one was written.
   */
  async snapshotIfDue(loaded: LoadedPartition): Promise<number | undefined> {
    const partition = this.replicaOf(loaded.partition);
    if (!partition || this.tables.get(loaded.partition) !== loaded || partition.leaderEpoch !== loaded.epoch) return undefined;
    if (partition.highWatermark - loaded.lastSnapshot.offset < Math.max(this.snapshotMinRecords, loaded.lastSnapshot.size)) return undefined;
    const written = await writeOffsetsSnapshot(partition, () => this.clock.nowMs());
    if (!written.ok) return undefined;
    loaded.lastSnapshot = { offset: written.snapshotOffset, size: written.size };
    return written.snapshotOffset;
  }

  private isLeader(p: number): boolean {
    return this.replicaOf(p)?.leaderId === this.nodeId;
  }

  /** The state of offsets partition p; throws NotCoordinatorError unless this broker leads it. */
  private async table(p: number): Promise<LoadedPartition> {
    const partition = this.replicaOf(p);
    if (!partition || partition.leaderId !== this.nodeId || !partition.caughtUp) {
      throw new NotCoordinatorError(`broker ${this.nodeId} is not the coordinator of offsets partition ${p}`, p);
    }
    const table = this.tables.get(p);
    if (table && table.epoch === partition.leaderEpoch) return table;
    let loading = this.loading.get(p);
    if (!loading) {
      loading = this.replay(partition).finally(() => this.loading.delete(p));
      this.loading.set(p, loading);
    }
    const loaded = await loading;
    this.tables.set(p, loaded);
    return loaded;
  }

  private async replay(partition: PartitionReplica): Promise<LoadedPartition> {
    const epoch = partition.leaderEpoch;
    const started = this.clock.nowMs();
    const { state, snapshotOffset, startOffset, endOffset } = await replayOffsetsPartition(partition);
    const p = partition.topicPartition.partition;
    const from = snapshotOffset === undefined ? `its log start (${startOffset})` : `its snapshot at offset ${snapshotOffset}`;
    moduleLogger('consumer-groups', { node: this.nodeId }).info({ partition: p, snapshotOffset, startOffset, endOffset }, `offsets partition ${p} loaded from ${from} up to offset ${endOffset} in ${this.clock.nowMs() - started} ms`);
    const unrestored = new Map([...state.groupRecords].map(([groupId, records]) => [groupId, [...records.values()] as ConsumerGroupRecord[]]));
    return {
      partition: p,
      epoch,
      groups: state.offsets,
      coordinators: new Map(),
      unrestored,
      lastSnapshot: { offset: snapshotOffset ?? startOffset, size: snapshotOffset === undefined ? 0 : offsetsPartitionStateSize(state) },
    };
  }
}

/** A stored offset as fetch answers it. */
const shown = ({ topic, partition, offset, metadata, commitTimeMs }: StoredOffset): CommittedOffset & { topic: string; partition: number } => ({ topic, partition, offset, metadata, commitTimeMs });
