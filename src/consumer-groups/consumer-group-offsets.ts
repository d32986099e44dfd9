// Committed consumer-group offsets, stored as records of the internal `__consumer_offsets` topic
// (key = group/topic/partition, value = offset and metadata) through the same partition path as
// data, so they are as durable as data (and replicated with it once partitions are). The
// in-memory table is rebuilt by replaying those partitions on start.
import type { Clock } from '../common/clock';
import { ErrorCode, SluiceError } from '../common/errors';
import type { PartitionReplica } from '../partition/replica';
import { decodeOffsetRecords, encodeOffsetBatch, type OffsetCommitRecord } from './offset-records';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimeMs: number;
}

/** What tells the topic that exists now under a name apart from earlier and later ones. */
export interface TopicIdentity {
  readonly topicId: string;
  /** Only for commits written before topics had ids (they carry no topic id). */
  readonly createdAtMs: number;
}

/** A committed offset as the coordinator keeps it. */
type StoredOffset = CommittedOffset & { readonly topic: string; readonly partition: number; readonly topicId?: string };

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

type GroupOffsets = Map<string, StoredOffset>;

interface LoadedPartition {
  /** Leader epoch the table was loaded for; a new epoch reloads (another leader may have written). */
  readonly epoch: number;
  /** group → "topic/partition" → committed offset */
  readonly groups: Map<string, GroupOffsets>;
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
    for (const record of records) apply(table.groups, record);
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

  /** Groups of the offsets partitions this broker coordinates. */
  async listGroups(): Promise<string[]> {
    const names = new Set<string>();
    for (let p = 0; p < this.partitionCount; p++) {
      if (!this.isLeader(p)) continue;
      const table = await this.table(p).catch(() => undefined);
      for (const name of table?.groups.keys() ?? []) names.add(name);
    }
    return [...names].sort();
  }

  private isLeader(p: number): boolean {
    return this.replicaOf(p)?.leaderId === this.nodeId;
  }

  /** The table of offsets partition p; throws NotCoordinatorError unless this broker leads it. */
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
    const groups = new Map<string, GroupOffsets>();
    let offset = partition.logStartOffset;
    while (offset < partition.highWatermark) {
      const { entries } = await partition.read(offset, 8 * 1024 * 1024);
      if (entries.length === 0) break;
      for (const entry of entries) {
        for (const record of decodeOffsetRecords(entry.batch)) apply(groups, record);
        offset = entry.header.baseOffset + entry.header.recordCount;
      }
    }
    return { epoch, groups };
  }
}

function apply(groups: Map<string, GroupOffsets>, record: OffsetCommitRecord): void {
  let group = groups.get(record.groupId);
  if (!group) groups.set(record.groupId, (group = new Map()));
  group.set(`${record.topic}/${record.partition}`, {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    metadata: record.metadata,
    commitTimeMs: record.commitTimeMs,
    ...(record.topicId === undefined ? {} : { topicId: record.topicId }),
  });
}

/** A stored offset as fetch answers it. */
const shown = ({ topic, partition, offset, metadata, commitTimeMs }: StoredOffset): CommittedOffset & { topic: string; partition: number } => ({ topic, partition, offset, metadata, commitTimeMs });
