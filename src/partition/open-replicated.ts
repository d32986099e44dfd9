// Assembles one replicated partition: the segment log as a Raft log, the Raft group driver, and
// the partition that serves produce and fetch from it; registers the group with the host.
import type { Clock } from '../common/clock';
import { asNodeId, asTerm, type TopicPartition } from '../common/ids';
import type { Logger } from '../common/logger';
import type { DurableMeta } from '../storage/durable-meta';
import { makeConfig, type ConfigState } from '../raft';
import { RaftGroup } from '../replication/raft-group';
import { LogRaftStorage } from '../replication/log-raft-storage';
import type { RaftHost } from '../replication/raft-host';
import type { PartitionLog } from '../storage/types';
import { ReplicatedPartition } from './replicated-partition';

export interface OpenReplicatedOptions {
  readonly topicPartition: TopicPartition;
  /** Names the partition's Raft state and routes its messages between brokers (see raftGroupIdOf). */
  readonly raftGroupId: string;
  readonly log: PartitionLog;
  readonly meta: DurableMeta;
  readonly host: RaftHost;
  readonly nodeId: number;
  /** The partition's assigned replicas, preferred leader first. */
  readonly replicaIds: readonly number[];
  /**
   * A replica that joins an existing group (added by a reassignment) starts with no configuration
   * and waits for the leader to add it; the replicas of a new partition start with `replicaIds`
   * as voters.
   */
  readonly joining?: boolean;
  /** See ReplicatedPartitionOptions.onCommitted. */
  readonly onCommitted?: (partition: ReplicatedPartition) => void;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly addressOf: (brokerId: number) => string | undefined;
  readonly electionTimeoutTicks: number;
  /** The broker's producerIdExpirationMs. */
  readonly producerIdExpirationMs?: number;
  /**
   * The log may have been written by a single broker of release 0.1, before it ran as a one-voter
   * group: adopt it if it has no Raft state (see adoptCommittedLog).
   */
  readonly adoptUnreplicatedLog?: boolean;
}

/** The partition, and the driver of its Raft group (for the broker's membership work). */
export interface OpenedReplica {
  readonly partition: ReplicatedPartition;
  readonly group: RaftGroup;
}

/**
 * A partition's Raft group id: `<topic id>/<partition>`, so that a topic re-created under the same
 * name is a new group that never takes the deleted one's term, vote or messages. A topic created
 * before topics had ids (`topicId` undefined) keeps `<topic>/<partition>`, under which its Raft
 * state is stored.
 */
export const raftGroupIdOf = (tp: TopicPartition, topicId: string | undefined): string => `${topicId ?? tp.topic}/${tp.partition}`;

export async function openReplicatedPartition(options: OpenReplicatedOptions): Promise<OpenedReplica> {
  const raftGroupId = options.raftGroupId;
  const bootstrap = makeConfig(options.joining ? [] : options.replicaIds);
  const group = new ReplicaRaftGroup(options, raftGroupId, bootstrap);
  const storage = group.newStorage();
  const created = storage.isNew && !options.joining;
  if (options.adoptUnreplicatedLog && storage.isNew && storage.rebuildingAfterTerm === undefined) await adoptCommittedLog(storage, options.log);
  await storage.persistBootstrapConfig();
  const committedEnd = await ReplicatedPartition.committedEndOffsetAt(options.log, appliedOf(storage, options.log));
  const partition: ReplicatedPartition = new ReplicatedPartition(
    {
      topicPartition: options.topicPartition,
      log: options.log,
      nodeId: options.nodeId,
      clock: options.clock,
      logger: options.logger,
      addressOf: options.addressOf,
      onCommitted: options.onCommitted,
      timings: options.host.timings,
      producerIdExpirationMs: options.producerIdExpirationMs,
      restartGroup: (): Promise<void> => group.restart(partition),
    },
    committedEnd,
  );
  await partition.restoreProducers(options.log.cleanCloseAnnex);
  const driver = group.start(storage, partition);
  // A new partition's preferred replica stands for election at once (through PreVote), so the
  // first produce to a new topic does not wait out an election timeout (1-2 s); so does the only
  // voter of a group (a one-broker cluster), which has nobody to wait for.
  if (created && options.replicaIds[0] === options.nodeId) {
    driver.campaign();
  } else {
    campaignIfSoleVoter(driver, options.nodeId);
  }
  return { partition, group: driver };
}

/** Committed entries the partition has applied at open: what the stored hard state says, within the log. */
const appliedOf = (storage: LogRaftStorage, log: PartitionLog): number => Math.min(storage.savedHardState.commit, log.lastRaftIndex);

/** The Raft group of one replica: its storage view and driver, which a restart replaces over the same log. */
class ReplicaRaftGroup {
  private storage: LogRaftStorage | undefined;
  private driver: RaftGroup | undefined;

  constructor(
    private readonly options: OpenReplicatedOptions,
    private readonly raftGroupId: string,
    private readonly bootstrap: ConfigState,
  ) {}

  newStorage(): LogRaftStorage {
    const { options } = this;
    return new LogRaftStorage(options.log, options.meta, this.raftGroupId, this.bootstrap, () => this.driver?.entriesLoaded(), options.host.entryCache);
  }

  /** Drives `storage` for `partition` and registers the group with the host. */
  start(storage: LogRaftStorage, partition: ReplicatedPartition): RaftGroup {
    const { options } = this;
    this.storage = storage;
    this.driver = new RaftGroup({
      raftGroupId: this.raftGroupId,
      nodeId: asNodeId(options.nodeId),
      storage,
      host: options.host,
      machine: partition,
      logger: options.logger,
      electionTimeoutTicks: options.electionTimeoutTicks,
      applied: appliedOf(storage, options.log),
      seed: hashSeed(`${this.raftGroupId}@${options.nodeId}`),
      // Only the leader serves a partition, so followers learn the commit index with the next
      // append or heartbeat instead of from an extra round of messages per commit.
      eagerCommitBroadcast: false,
      rebuildingAfterTerm: storage.rebuildingAfterTerm,
    });
    partition.attach(this.driver);
    options.host.add(this.driver);
    return this.driver;
  }

  /**
   * After a failed append that was undone (the log is as it was), the group starts again as a
   * broker restart would start it: the stopped driver's hard state is written (its commit is what
   * the partition applied), a new driver reads it back, and an only voter campaigns at once.
   */
  async restart(partition: ReplicatedPartition): Promise<void> {
    await this.driver?.stop();
    const previous = this.storage!;
    await previous.saveHardState(previous.savedHardState);
    const driver = this.start(this.newStorage(), partition);
    campaignIfSoleVoter(driver, this.options.nodeId);
  }
}

/**
 * A single broker of release 0.1 appended at term 1 with dense Raft indexes and answered every
 * entry on disk as committed (its high watermark was its log end). Its hard state says so, so
 * that the one-voter group starts from the log's end, at a term no lower than its entries'.
 * Written before the configuration: a crash in between adopts the log again, the same way.
 */
async function adoptCommittedLog(storage: LogRaftStorage, log: PartitionLog): Promise<void> {
  const last = log.lastRaftIndex;
  await storage.saveHardState({ term: log.termAt(last) ?? asTerm(0), vote: null, commit: last });
}

/** A group whose only voter is this broker elects it at once instead of after an election timeout. */
export function campaignIfSoleVoter(driver: RaftGroup, nodeId: number): void {
  const { voters, learners } = driver.status().config;
  if (voters.length !== 1 || voters[0] !== nodeId || learners.length > 0) return;
  driver.campaign();
}

function hashSeed(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
