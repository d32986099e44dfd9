// Assembles one replicated partition: the segment log as a Raft log, the Raft group driver, and
// the partition that serves produce and fetch from it; registers the group with the host.
import type { Clock } from '../common/clock';
import { asNodeId, type TopicPartition } from '../common/ids';
import type { Logger } from '../common/logger';
import type { DurableMeta } from '../storage/durable-meta';
import { makeConfig } from '../raft';
import { GroupDriver } from '../replication/group-driver';
import { LogRaftStorage } from '../replication/log-raft-storage';
import type { RaftHost } from '../replication/raft-host';
import type { PartitionLog } from '../storage/types';
import { ReplicatedPartition } from './replicated-partition';

export interface OpenReplicatedOptions {
  readonly topicPartition: TopicPartition;
  readonly log: PartitionLog;
  readonly meta: DurableMeta;
  readonly host: RaftHost;
  readonly nodeId: number;
  /** The partition's assigned replicas, preferred leader first. */
  readonly replicaIds: readonly number[];
  /** Replicas leaving the partition whose removal the metadata still waits on. */
  readonly retiring?: readonly number[];
  /**
   * A replica that joins an existing group (added by a reassignment) starts with no configuration
   * and waits for the leader to add it; the replicas of a new partition start with `replicaIds`
   * as voters.
   */
  readonly joining?: boolean;
  readonly onReassigned?: (replicas: readonly number[]) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly addressOf: (brokerId: number) => string | undefined;
  readonly electionTimeoutTicks: number;
  /** The broker's producerIdExpirationMs. */
  readonly producerIdExpirationMs?: number;
}

export const groupIdOf = (tp: TopicPartition): string => `${tp.topic}/${tp.partition}`;

export async function openReplicatedPartition(options: OpenReplicatedOptions): Promise<ReplicatedPartition> {
  const groupId = groupIdOf(options.topicPartition);
  let driver: GroupDriver | undefined;
  const bootstrap = makeConfig(options.joining ? [] : options.replicaIds);
  const storage = new LogRaftStorage(options.log, options.meta, groupId, bootstrap, () => driver?.entriesLoaded(), options.host.entryCache);
  const created = storage.isNew && !options.joining;
  await storage.persistBootstrapConfig();
  const applied = Math.min(storage.savedHardState.commit, options.log.lastRaftIndex);
  const committedEnd = await ReplicatedPartition.committedEndOffsetAt(options.log, applied);
  const partition = new ReplicatedPartition(
    {
      topicPartition: options.topicPartition,
      log: options.log,
      nodeId: options.nodeId,
      replicaIds: options.replicaIds,
      clock: options.clock,
      logger: options.logger,
      addressOf: options.addressOf,
      onReassigned: options.onReassigned,
      timings: options.host.timings,
      producerIdExpirationMs: options.producerIdExpirationMs,
    },
    committedEnd,
  );
  await partition.restoreProducers(options.log.cleanCloseAnnex);
  driver = new GroupDriver({
    groupId,
    nodeId: asNodeId(options.nodeId),
    storage,
    host: options.host,
    machine: partition,
    logger: options.logger,
    electionTimeoutTicks: options.electionTimeoutTicks,
    applied,
    seed: hashSeed(`${groupId}@${options.nodeId}`),
    // Only the leader serves a partition, so followers learn the commit index with the next
    // append or heartbeat instead of from an extra round of messages per commit.
    eagerCommitBroadcast: false,
  });
  partition.attach(driver);
  partition.setAssignment(options.replicaIds, options.retiring ?? []);
  options.host.add(driver);
  // A new partition's preferred replica stands for election at once (through PreVote), so the
  // first produce to a new topic does not wait out an election timeout (1-2 s).
  if (created && options.replicaIds[0] === options.nodeId) {
    driver.node.campaign();
    driver.schedule();
  }
  return partition;
}

function hashSeed(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
