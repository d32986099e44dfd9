// Hosts this broker's partitions: opens a replica for every partition of every topic in the
// registry, follows topic changes (create, grow, reconfigure, delete), and runs retention.
import { ErrorCode, SluiceError } from '../common/errors';
import { partitionKey, type TopicPartition } from '../common/ids';
import { moduleLogger, type Logger } from '../common/logger';
import type { TopicId } from '../common/topic-id';
import { logConfigOf } from '../metadata/topic-config';
import { holdsReplica as holds, newAssignment, type PartitionAssignment } from '../metadata/metadata-state';
import { createdWithoutId, type TopicChange, type TopicMetadata, type TopicRegistry } from '../metadata/topic-registry';
import { raftGroupIdOf } from '../partition/open-replicated';
import type { PartitionReplica } from '../partition/replica';
import type { StorageEngine } from '../storage/storage-engine';
import type { LogConfig, PartitionLog } from '../storage/types';
import { quoteInput } from './client-message';
import { isResourceExhaustion, openFailureReason, OutOfServicePartitions } from './out-of-service';

/** This broker's replica of a partition, or why it has none (with where to go instead). */
export type PartitionLookup =
  | { readonly replica: PartitionReplica }
  | { readonly replica?: undefined; readonly code: ErrorCode; readonly message: string; readonly leaderHint: string };

/** Creates this broker's replica of a partition over its opened log, as a member of Raft group `raftGroupId` (raftGroupIdOf). */
export type PartitionOpener = (tp: TopicPartition, log: PartitionLog, config: LogConfig, assignment: PartitionAssignment, raftGroupId: string) => Promise<PartitionReplica>;

/** A running replica's assignment changed (cluster only: its Raft group's leader moves the group there, ReplicaMembership). */
export type AssignmentListener = (replica: PartitionReplica, assignment: PartitionAssignment) => void;

/**
 * Marks a replica whose log cannot be opened as rebuilding from its peers and sets its log aside
 * (setAsideToRebuild in src/replication/set-aside-to-rebuild.ts); answers where the log went.
 */
export type RebuildStarter = (tp: TopicPartition, topicId: TopicId, raftGroupId: string) => Promise<string>;

/** Far above the few milliseconds a group with one voter takes to elect it (one fsync of its hard state and one of its first entry). */
const SOLE_VOTER_ELECTION_MS = 10_000;

/**
 * Replicas are keyed by topic id and partition, not by name: between the apply of a topic's
 * deletion and re-creation and the handling of those changes, the replica still open under the
 * name belongs to the deleted topic, and must serve nothing for the new one.
 */
const replicaKey = (topicId: TopicId, partition: number): string => `${topicId}/${partition}`;

const groupIdOf = (topic: TopicMetadata, partition: number): string =>
  raftGroupIdOf({ topic: topic.name, partition }, createdWithoutId(topic) ? undefined : topic.topicId);

export interface PartitionManagerOptions {
  readonly storage: StorageEngine;
  readonly registry: TopicRegistry;
  readonly nodeId: number;
  readonly openReplica: PartitionOpener;
  /** A broker's gRPC address, for redirecting requests to a replica. */
  readonly addressOf: (brokerId: number) => string | undefined;
  /** Removes what a replica keeps outside its log (its Raft group's state), for a log deleted while closed. */
  readonly forgetReplicaState: (raftGroupId: string) => Promise<void>;
  readonly assignmentChanged: AssignmentListener;
  readonly startRebuilding: RebuildStarter;
  /** limits.maxPartitionReplicas: replicas past it are not opened (their descriptors are the reserve's). */
  readonly maxReplicas: number;
}

export class PartitionManager {
  private readonly partitions = new Map<string, PartitionReplica>();
  /** Partitions this broker holds but could not open (see out-of-service.ts). */
  readonly outOfService = new OutOfServicePartitions();
  private readonly logger: Logger = moduleLogger('partitions');
  private retentionTimer: NodeJS.Timeout | undefined;
  private retentionRunning = false;

  private readonly storage: StorageEngine;
  private readonly registry: TopicRegistry;
  private readonly nodeId: number;
  private readonly openReplica: PartitionOpener;
  private readonly addressOf: (brokerId: number) => string | undefined;
  private readonly forgetReplicaState: (raftGroupId: string) => Promise<void>;
  private readonly assignmentChanged: AssignmentListener;
  private readonly startRebuilding: RebuildStarter;
  private readonly maxReplicas: number;

  constructor(options: PartitionManagerOptions) {
    ({
      storage: this.storage, registry: this.registry, nodeId: this.nodeId, openReplica: this.openReplica, addressOf: this.addressOf,
      forgetReplicaState: this.forgetReplicaState, assignmentChanged: this.assignmentChanged, startRebuilding: this.startRebuilding, maxReplicas: this.maxReplicas,
    } = options);
    this.registry.onChange((change) => this.onTopicChange(change));
  }

  /** Opens every partition in the registry and starts retention. */
  async start(retentionCheckIntervalMs: number): Promise<void> {
    for (const topic of this.registry.list()) await this.openTopic(topic, 0);
    this.retentionTimer = setInterval(() => void this.runRetention(), retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  /**
   * Reports, and keeps, directories that belong to no partition this broker opened: a log is
   * removed only when the metadata says its topic was deleted (replaying the metadata log repeats
   * every deletion, finishing one a crash interrupted), never because the metadata applied so far
   * does not know it — after a restart that may lag what was applied before (docs/storage.md).
   * A partition out of service is known: its directory is the one that could not be opened.
   * `except` is a log that is not a partition's (the metadata log).
   */
  reportUnknownLogs(except: string): void {
    const known = new Set<string>();
    for (const topic of this.registry.list()) {
      for (let p = 0; p < topic.partitions; p++) {
        if (this.partitions.has(replicaKey(topic.topicId, p)) || this.outOfService.get({ topic: topic.name, partition: p })) known.add(replicaKey(topic.topicId, p));
      }
    }
    for (const log of this.storage.listLogs()) {
      if ('topic' in log ? log.topic === except : known.has(replicaKey(log.topicId, log.partition))) continue;
      const which = 'topic' in log ? `${log.topic}/${log.partition} (named by its topic name)` : `partition ${log.partition} of topic id ${log.topicId}`;
      this.logger.warn({ log }, `the directory of ${which} belongs to no partition of this broker's metadata: kept; remove it by hand if no topic needs it`);
    }
  }

  get(topic: string, partition: number): PartitionReplica | undefined {
    const meta = this.registry.get(topic);
    return meta && this.partitions.get(replicaKey(meta.topicId, partition));
  }

  /**
   * The replica to serve a produce, fetch or offset request. A partition of an existing topic that
   * this broker does not hold (in a cluster larger than the replication factor) answers NOT_LEADER
   * with a replica's address, which knows the leader.
   */
  lookup(topic: string, partition: number): PartitionLookup {
    const replica = this.get(topic, partition);
    if (replica) return { replica };
    const broken = this.outOfService.get({ topic, partition });
    if (broken) {
      return {
        code: ErrorCode.STORAGE_ERROR,
        message: `${topic}/${partition} is out of service on broker ${this.nodeId}: its log could not be opened (${broken.reason}); the broker's log says how to recover it`,
        leaderHint: '',
      };
    }
    const meta = this.registry.get(topic);
    if (!meta) return { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `topic ${quoteInput(topic)} does not exist`, leaderHint: '' };
    if (!Number.isInteger(partition) || partition < 0 || partition >= meta.partitions) {
      return { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: `topic '${topic}' has partitions 0..${meta.partitions - 1}, not ${partition}`, leaderHint: '' };
    }
    const replicas = this.registry.replicas(topic, partition);
    const name = `${topic}/${partition}`;
    if (replicas.includes(this.nodeId)) {
      return { code: ErrorCode.NOT_LEADER, message: `broker ${this.nodeId} is still creating its replica of ${name}; retry`, leaderHint: '' };
    }
    const leaderHint = replicas.map((id) => this.addressOf(id)).find((address) => address !== undefined) ?? '';
    return { code: ErrorCode.NOT_LEADER, message: `broker ${this.nodeId} holds no replica of ${name}: brokers ${replicas.join(', ')} do`, leaderHint };
  }

  /** This broker's replicas of `topic`, in partition order (empty when the topic is unknown). */
  ofTopic(topic: string): PartitionReplica[] {
    const meta = this.registry.get(topic);
    if (!meta) return [];
    const found: PartitionReplica[] = [];
    for (let p = 0; p < meta.partitions; p++) {
      const partition = this.get(topic, p);
      if (partition) found.push(partition);
    }
    return found;
  }

  all(): PartitionReplica[] {
    return [...this.partitions.values()];
  }

  async runRetention(): Promise<number> {
    if (this.retentionRunning) return 0;
    this.retentionRunning = true;
    let deleted = 0;
    try {
      for (const partition of this.partitions.values()) deleted += await partition.applyRetention();
    } catch (error) {
      this.logger.error({ err: error }, 'retention failed');
    } finally {
      this.retentionRunning = false;
    }
    return deleted;
  }

  /** Closes every partition (finishing queued appends). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    this.retentionTimer = undefined;
    for (const partition of this.partitions.values()) await partition.close();
    this.partitions.clear();
    this.outOfService.clear();
  }

  private async onTopicChange(change: TopicChange): Promise<void> {
    switch (change.type) {
      case 'created':
        await this.openTopic(change.topic, 0);
        return;
      case 'updated': {
        const logConfig = logConfigOf(change.topic.config);
        for (const partition of this.ofTopic(change.topic.name)) partition.updateConfig(logConfig);
        await this.reconcileReplicas(change.topic);
        return;
      }
      case 'deleted':
        for (let p = 0; p < change.topic.partitions; p++) {
          const key = replicaKey(change.topic.topicId, p);
          const tp: TopicPartition = { topic: change.topic.name, partition: p };
          const local = this.partitions.get(key);
          // An out-of-service replica never opened: it has only its Raft state to forget besides
          // its files. A deletion replayed at start (the replica was never opened in this run) has
          // none left worth three durable writes per partition: its state went when the deletion
          // was first applied, and what a crash in between left is keyed by an id never reused.
          if (local) await local.destroy();
          else if (this.outOfService.get(tp)) await this.forgetReplicaState(groupIdOf(change.topic, p));
          this.partitions.delete(key);
          this.outOfService.delete(tp);
          await this.storage.deleteLog(change.topic.name, p, change.topic.topicId);
        }
        return;
    }
  }

  private async openTopic(topic: TopicMetadata, fromPartition: number): Promise<void> {
    const logConfig = logConfigOf(topic.config);
    const opened: PartitionReplica[] = [];
    for (let p = fromPartition; p < topic.partitions; p++) {
      const tp: TopicPartition = { topic: topic.name, partition: p };
      const assignment = this.assignmentOf(tp);
      const key = replicaKey(topic.topicId, p);
      if (this.partitions.has(key) || !holds(assignment, this.nodeId)) continue;
      const replica = await this.openOrRebuild(topic, tp, logConfig, assignment);
      if (!replica) continue;
      this.partitions.set(key, replica);
      opened.push(replica);
    }
    // The only voter of its group elects itself at once: a topic of a one-broker cluster is
    // answered as created once its partitions serve, as a single broker's always was.
    await Promise.all(opened.filter((r) => this.isSoleVoter(r)).map((r) => this.untilLeading(r)));
  }

  private async openOver(topic: TopicMetadata, tp: TopicPartition, logConfig: LogConfig, assignment: PartitionAssignment): Promise<PartitionReplica> {
    // A topic created before topics had ids keeps the log its name-based directory holds.
    if (createdWithoutId(topic)) await this.storage.adoptNameDir(tp.topic, tp.partition, topic.topicId);
    const log = await this.storage.openLog(tp.topic, tp.partition, logConfig, topic.topicId);
    // A damaged entry (a CRC mismatch found at open) is never served: with peers to copy from, the
    // replica is rebuilt (openOrRebuild sets the log aside, closing it); alone, it keeps serving
    // the rest of its log and refuses reads of the damage (docs/storage.md, "Recovery").
    if (log.corruptRaftIndex !== undefined && assignment.replicas.length > 1) {
      throw new SluiceError(ErrorCode.CORRUPT_MESSAGE, `the entry at raft index ${log.corruptRaftIndex} of this broker's replica of ${partitionKey(tp)} is damaged (it fails its CRC32C check)`);
    }
    return this.openReplica(tp, log, logConfig, assignment, groupIdOf(topic, tp.partition));
  }

  /**
   * Opens this broker's replica of `tp`. One that cannot be opened never stops the broker: with
   * other replicas to copy from (and a damaged log, not a broker short of descriptors, memory or
   * space) its log is set aside and it starts empty, rebuilt from its peers (docs/raft.md,
   * "Rebuilding a lost log"); otherwise it stays out of service. Returns undefined then.
   */
  private async openOrRebuild(topic: TopicMetadata, tp: TopicPartition, logConfig: LogConfig, assignment: PartitionAssignment): Promise<PartitionReplica | undefined> {
    const key = partitionKey(tp);
    if (this.partitions.size >= this.maxReplicas) {
      // A broker restarted under a lower open-file limit than its partitions were created under:
      // opening them all would take the descriptors kept for connections and fail with EMFILE.
      const reason = `this broker already holds ${this.partitions.size} partition replicas, its limit (limits.maxPartitionReplicas, derived from the open-file limit)`;
      this.outOfService.set(tp, reason);
      this.logger.error({ partition: key, limit: this.maxReplicas }, `${key} is out of service on this broker: ${reason}. To recover: raise the open-file limit (ulimit -n) or limits.maxPartitionReplicas, or move replicas to other brokers, then restart the broker`);
      return undefined;
    }
    let failure: unknown;
    try {
      const replica = await this.openOver(topic, tp, logConfig, assignment);
      this.outOfService.delete(tp);
      return replica;
    } catch (error) {
      failure = error;
    }
    const rebuildable = assignment.replicas.length > 1 && !isResourceExhaustion(failure);
    if (rebuildable) {
      this.logger.error({ partition: key, err: failure }, `cannot open this broker's replica of ${key} (${openFailureReason(failure)}): rebuilding it from the other replicas`);
      try {
        const aside = await this.startRebuilding(tp, topic.topicId, groupIdOf(topic, tp.partition));
        this.logger.warn({ partition: key, aside }, `moved the damaged log of ${key} to ${aside}: the replica starts empty, and neither votes nor stands for election until it has caught up`);
        const replica = await this.openOver(topic, tp, logConfig, assignment);
        this.outOfService.delete(tp);
        return replica;
      } catch (error) {
        failure = error;
      }
    }
    const reason = openFailureReason(failure);
    this.outOfService.set(tp, reason);
    const recovery = isResourceExhaustion(failure)
      ? 'free the resource (raise the descriptor limit, add memory or space) and restart the broker'
      : assignment.replicas.length > 1
        ? 'rebuilding it from the other replicas failed too; fix the cause and restart the broker'
        : `it has no other replica to be rebuilt from: restore its directory from a backup, or move the directory away to start ${key} empty (its records are lost), or delete the topic; then restart the broker`;
    this.logger.error({ partition: key, err: failure }, `${key} is out of service on this broker: its log cannot be opened (${reason}); the broker serves every other partition. To recover: ${recovery}`);
    return undefined;
  }

  private isSoleVoter(replica: PartitionReplica): boolean {
    const { voters, learners } = replica.membership;
    return voters.length === 1 && voters[0] === this.nodeId && learners.length === 0;
  }

  /** Waits until this broker leads `replica` and knows its commit point; gives up (with a warning) after SOLE_VOTER_ELECTION_MS. */
  private async untilLeading(replica: PartitionReplica): Promise<void> {
    // On the monotonic clock, which no wall-clock step moves (docs/chaos.md "Clock faults").
    const deadline = performance.now() + SOLE_VOTER_ELECTION_MS;
    while (!(replica.leaderId === this.nodeId && replica.caughtUp)) {
      const left = deadline - performance.now();
      if (left <= 0 || !(await replica.changed.wait(left))) {
        const { topic, partition } = replica.topicPartition;
        this.logger.warn({ partition: partitionKey(replica.topicPartition) }, `${topic}/${partition} has not elected its only voter within ${SOLE_VOTER_ELECTION_MS} ms`);
        return;
      }
    }
  }

  /**
   * Follows the topic's assignments (after a reassignment, a drain, or new partitions): creates
   * the replicas this broker now holds, tells running ones their new replica set, and deletes the
   * ones it no longer holds — a retiring replica only once the metadata says the move finished.
   * Reads the latest applied metadata, which is always a committed state.
   */
  private async reconcileReplicas(topic: TopicMetadata): Promise<void> {
    // Partitions of this topic with a directory on disk: listed once, not once per partition.
    const onDisk = new Set(this.storage.listLogs().flatMap((l) => ('topicId' in l && l.topicId === topic.topicId ? [l.partition] : [])));
    for (let p = 0; p < topic.partitions; p++) {
      const tp: TopicPartition = { topic: topic.name, partition: p };
      const key = partitionKey(tp);
      const assignment = this.assignmentOf(tp);
      const local = this.partitions.get(replicaKey(topic.topicId, p));
      if (!holds(assignment, this.nodeId)) this.outOfService.delete(tp);
      if (local && holds(assignment, this.nodeId)) {
        this.assignmentChanged(local, assignment);
      } else if (local) {
        this.logger.info({ partition: key }, `removing this broker's replica of ${key}: it moved to brokers ${assignment.replicas.join(', ')}`);
        this.partitions.delete(replicaKey(topic.topicId, p));
        await local.destroy();
        await this.storage.deleteLog(tp.topic, tp.partition, topic.topicId);
      } else if (!holds(assignment, this.nodeId) && onDisk.has(p)) {
        this.logger.info({ partition: key }, `removing a leftover log of ${key}: this broker no longer holds a replica`);
        await this.forgetReplicaState(groupIdOf(topic, p));
        await this.storage.deleteLog(tp.topic, tp.partition, topic.topicId);
      }
    }
    await this.openTopic(topic, 0);
  }

  private assignmentOf(tp: TopicPartition): PartitionAssignment {
    return this.registry.assignment(tp.topic, tp.partition) ?? newAssignment(this.registry.replicas(tp.topic, tp.partition));
  }
}

