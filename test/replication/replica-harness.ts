// Replicas of one partition in one process, each with its own storage directory, joined by an
// in-memory network that the tests can cut.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicaMembership } from '../../src/broker/cluster/replica-membership';
import { systemClock, type Clock } from '../../src/common/clock';
import { ErrorCode } from '../../src/common/errors';
import { asNodeId } from '../../src/common/ids';
import { moduleLogger } from '../../src/common/logger';
import type { TopicId } from '../../src/common/topic-id';
import { openReplicatedPartition, raftGroupIdOf } from '../../src/partition/open-replicated';
import type { ProduceOutcome } from '../../src/partition/replica';
import type { ReplicatedPartition } from '../../src/partition/replicated-partition';
import type { RaftGroup } from '../../src/replication/raft-group';
import { RaftHost } from '../../src/replication/raft-host';
import { InMemoryNetwork } from '../../src/replication/transport';
import type { FileIo } from '../../src/storage/file-io';
import { StorageEngine } from '../../src/storage/storage-engine';
import { DEFAULT_LOG_CONFIG, type LogConfig, type PartitionLog } from '../../src/storage/types';
import { encodeBatch } from '../broker/broker-fixture';
import { until } from '../until';

export interface TestNode {
  id: number;
  dir: string;
  engine: StorageEngine;
  host: RaftHost;
  log: PartitionLog;
  partition: ReplicatedPartition;
  /** The driver of the partition's Raft group. */
  group: RaftGroup;
  /** The broker's membership work on this replica (as ClusterCore runs it; its timers are the test's). */
  membership: ReplicaMembership;
}

export const TP = { topic: 'orders', partition: 0 };

export interface NodeOptions {
  /** The replica's topic, named by its id (a topic's directory and Raft group); default TP's topic, named by its name. */
  readonly topic?: { readonly name: string; readonly topicId: TopicId };
  readonly replicaIds?: readonly number[];
  readonly joining?: boolean;
  readonly onReassigned?: (replicas: readonly number[]) => Promise<void>;
  readonly logConfig?: LogConfig;
  readonly io?: FileIo;
  /** The broker's Raft entry cache budget (RaftHost); default the broker's. */
  readonly entryCacheBytes?: number;
  /** Ticks of silence before a follower campaigns (randomised up to twice that); default 10. */
  readonly electionTimeoutTicks?: number;
  /** Default the system clock. */
  readonly clock?: Clock;
  /** The broker's producerIdExpirationMs; default the broker's. */
  readonly producerIdExpirationMs?: number;
}

export async function startNode(network: InMemoryNetwork, id: number, dir: string, options: NodeOptions = {}): Promise<TestNode> {
  const engine = await StorageEngine.open({ dataDir: dir, io: options.io });
  const host = new RaftHost(asNodeId(id), network.transport(asNodeId(id)), 10, options.entryCacheBytes);
  const tp = options.topic ? { topic: options.topic.name, partition: 0 } : TP;
  const log = await engine.openLog(tp.topic, tp.partition, options.logConfig ?? DEFAULT_LOG_CONFIG, options.topic?.topicId);
  const replicaIds = options.replicaIds ?? [1, 2, 3];
  const logger = moduleLogger('test');
  const clock = options.clock ?? systemClock;
  const membership = new ReplicaMembership({ nodeId: id, clock, logger, report: async (_tp, replicas) => options.onReassigned?.(replicas) });
  const { partition, group } = await openReplicatedPartition({
    topicPartition: tp, raftGroupId: raftGroupIdOf(tp, options.topic?.topicId), log, meta: engine, host, nodeId: id, replicaIds, clock,
    logger, addressOf: (b) => `node-${b}`, electionTimeoutTicks: options.electionTimeoutTicks ?? 10,
    joining: options.joining, onCommitted: (p) => membership.committed(p), producerIdExpirationMs: options.producerIdExpirationMs,
  });
  membership.add(partition, group, { replicas: replicaIds, retiring: [] });
  host.start();
  return { id, dir, engine, host, log, partition, group, membership };
}

/**
 * Replica 1 of TP as its group's only voter (every partition of a one-broker cluster), in `dir`,
 * once it leads and knows its commit point.
 */
export async function startSoleReplica(dir: string, options: Omit<NodeOptions, 'replicaIds' | 'joining'> = {}): Promise<TestNode> {
  const node = await startNode(new InMemoryNetwork(), 1, dir, { ...options, replicaIds: [1] });
  await until(() => node.partition.leaderId === 1 && node.partition.caughtUp, 'the only voter to lead');
  return node;
}

/**
 * Three replicas (ids 1-3) of TP on one in-memory network for each test of the enclosing describe
 * (mocha hooks), stopped and their directories removed after it. `nodes` is the live list: a test
 * may replace its members (restarts) or remove one it stopped itself.
 */
export function threeReplicasEachTest(name: string): { readonly nodes: TestNode[]; readonly network: () => InMemoryNetwork } {
  const nodes: TestNode[] = [];
  const dirs: string[] = [];
  let network: InMemoryNetwork;
  beforeEach(async () => {
    network = new InMemoryNetwork();
    for (const id of [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `sluice-${name}-${id}-`));
      dirs.push(dir);
      nodes.push(await startNode(network, id, dir));
    }
  });
  afterEach(async () => {
    network.heal();
    for (const node of nodes.splice(0)) await stopNode(node);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return { nodes, network: () => network };
}

export async function stopNode(node: TestNode): Promise<void> {
  await node.partition.close();
  await node.host.stop();
  await node.engine.close();
}

export const produce = (p: ReplicatedPartition, values: string[], acks: 'all' | 'leader' = 'all'): Promise<ProduceOutcome> =>
  p.produce({ batch: encodeBatch(values), acks, recordCount: values.length, maxTimestampMs: 0, producerId: 0, producerEpoch: 0, baseSequence: 0 });

/** The node that leads, once one does. */
export async function electedLeader(nodes: () => readonly TestNode[], exclude: number[] = []): Promise<TestNode> {
  let found: TestNode | undefined;
  await until(() => {
    found = nodes().find((n) => !exclude.includes(n.id) && n.partition.leaderId === n.id);
    return found !== undefined;
  }, 'a leader');
  return found!;
}

/** Produces on whichever node leads, retrying NOT_LEADER. */
export async function produceOnLeader(nodes: () => readonly TestNode[], values: string[], exclude: number[] = []): Promise<ProduceOutcome> {
  for (;;) {
    const leader = await electedLeader(nodes, exclude);
    const outcome = await produce(leader.partition, values);
    if (outcome.ok || outcome.code !== ErrorCode.NOT_LEADER) return outcome;
    await new Promise((r) => setTimeout(r, 10));
  }
}
