// The replicated heart of a broker in a cluster: the Raft transport and host, the metadata
// (controller) group, the cluster topic registry, and partitions as Raft groups. The metadata
// leader registers the cluster's brokers and creates __consumer_offsets; every broker creates
// the replicas the applied metadata assigns to it.
import type { Metric } from 'prom-client';
import type { Clock } from '../../common/clock';
import { asNodeId, partitionKey } from '../../common/ids';
import { EMPTY_CONFIG } from '../../raft';
import { moduleLogger } from '../../common/logger';
import { groupIdOf, openReplicatedPartition } from '../../partition/open-replicated';
import { GroupDriver } from '../../replication/group-driver';
import { GrpcRaftTransport, raftServiceDefinition } from '../../replication/grpc-transport';
import { forgetRaftState, LogRaftStorage } from '../../replication/log-raft-storage';
import { RaftHost } from '../../replication/raft-host';
import type { StorageEngine } from '../../storage/storage-engine';
import { DEFAULT_LOG_CONFIG } from '../../storage/types';
import type { BrokerConfig } from '../config';
import type { ClusterContext } from '../context';
import { PartitionManager } from '../partition-manager';
import { ClusterTopicRegistry } from './cluster-registry';
import { Forwarder } from './forwarder';
import { ControllerDuties, JoinRequester, MAX_METADATA_VOTERS } from './controller-duties';
import { MetadataGroup } from './metadata-group';
import { ReassignmentReporter } from './reassignment-reporter';
import { ReplicaMembership } from './replica-membership';

export const METADATA_GROUP_ID = '__metadata';
const METADATA_LOG_TOPIC = '__cluster_metadata';
/** How often partition leaders check whether to hand leadership back to their preferred replica. */
const PREFERRED_LEADER_CHECK_MS = 5000;
/** How often leaders re-check membership work that waits on something (a learner catching up). */
const MEMBERSHIP_CHECK_MS = 250;


export interface ClusterCore {
  readonly registry: ClusterTopicRegistry;
  readonly partitions: PartitionManager;
  readonly context: ClusterContext;
  /** Raft round timings and the entry cache's size of every group on this broker (served on /metrics). */
  readonly raftMetrics: readonly Metric[];
  readonly raftService: { definition: ReturnType<typeof raftServiceDefinition>; implementation: ReturnType<GrpcRaftTransport['serviceImplementation']> };
  /** Serving as a member: this broker is registered in the metadata, and the metadata has a leader. */
  ready(): boolean;
  start(): void;
  stop(): Promise<void>;
}

export async function startClusterCore(config: BrokerConfig, storage: StorageEngine, clock: Clock): Promise<ClusterCore> {
  const cluster = config.cluster!;
  const logger = moduleLogger('cluster', { node: config.nodeId });
  const staticAddress = new Map(cluster.brokers.map((b) => [b.id, `${b.host}:${b.grpcPort}`]));
  const transport = new GrpcRaftTransport({
    nodeId: asNodeId(config.nodeId),
    clusterId: cluster.clusterId,
    peers: new Map([...staticAddress].map(([id, a]) => [asNodeId(id), a])),
    resolve: (id) => addressOf(id), // brokers that joined after this one started
  });
  const host = new RaftHost(asNodeId(config.nodeId), transport, cluster.raftTickMs, config.raftEntryCacheBytes);
  const registry = new ClusterTopicRegistry({ maxPartitionsPerTopic: config.limits.maxPartitionsPerTopic, topicDefaults: config.topicDefaults }, logger);
  const addressOf = (id: number): string | undefined => {
    const broker = registry.broker(id);
    return broker ? `${broker.host}:${broker.port}` : staticAddress.get(id);
  };

  const metadata = new MetadataGroup(registry, config.nodeId, clock, logger);
  registry.attach(metadata);
  const metadataLog = await storage.openLog(METADATA_LOG_TOPIC, 0, { ...DEFAULT_LOG_CONFIG, retentionMs: -1, retentionBytes: -1, segmentBytes: 16 * 1024 * 1024 });
  const ids = cluster.brokers.map((b) => b.id).sort((a, b) => a - b);
  // A joining broker waits for the controller to add it; the founding brokers start the group.
  const bootstrap = cluster.join ? EMPTY_CONFIG : { voters: ids.slice(0, MAX_METADATA_VOTERS).map(asNodeId), learners: ids.slice(MAX_METADATA_VOTERS).map(asNodeId) };
  let metadataDriver: GroupDriver | undefined;
  const metadataStorage = new LogRaftStorage(metadataLog, storage, METADATA_GROUP_ID, bootstrap, () => metadataDriver?.entriesLoaded(), host.entryCache);
  await metadataStorage.persistBootstrapConfig();
  metadataDriver = new GroupDriver({
    groupId: METADATA_GROUP_ID,
    nodeId: asNodeId(config.nodeId),
    storage: metadataStorage,
    host,
    machine: metadata,
    logger,
    electionTimeoutTicks: cluster.electionTimeoutTicks,
    applied: 0, // the state machine lives in memory: replay the whole metadata log on start
    seed: config.nodeId * 7919,
  });
  metadata.attach(metadataDriver);

  const forwarder = new Forwarder(config.nodeId);
  const reassignments = new ReassignmentReporter(config.nodeId, registry, metadata, forwarder, addressOf);
  const membership = new ReplicaMembership({
    nodeId: config.nodeId,
    clock,
    logger,
    report: (tp, replicas) => reassignments.report(tp, replicas),
  });
  const partitions = new PartitionManager(
    storage,
    registry,
    config.nodeId,
    async (tp, log, _logConfig, assignment) => {
      const { partition, group } = await openReplicatedPartition({
        topicPartition: tp,
        log,
        meta: storage,
        host,
        nodeId: config.nodeId,
        replicaIds: assignment.replicas,
        joining: assignment.reassigned,
        onCommitted: (partition) => membership.committed(partition),
        clock,
        logger: moduleLogger('partition', { node: config.nodeId, partition: partitionKey(tp) }),
        addressOf,
        electionTimeoutTicks: cluster.electionTimeoutTicks,
        producerIdExpirationMs: config.producerIdExpirationMs,
      });
      membership.add(partition, group, assignment);
      return partition;
    },
    addressOf,
    (tp) => forgetRaftState(storage, groupIdOf(tp)),
    (replica, assignment) => membership.assign(replica, assignment),
  );

  let balancer: NodeJS.Timeout | undefined;
  let membershipTimer: NodeJS.Timeout | undefined;
  const controllerDuties = new ControllerDuties(config, cluster, registry, metadata, metadataDriver, clock, logger);
  const joiner = cluster.join ? new JoinRequester(config, cluster, registry, forwarder, logger) : undefined;
  metadata.onApplied(() => controllerDuties.poke());

  const context: ClusterContext = {
    metadataLeader: () => metadata.leaderId,
    addressOf,
    forward: (service, method, request, brokerId) => {
      const address = addressOf(brokerId);
      if (!address) return Promise.reject(new Error(`broker ${brokerId} has no known address`));
      return forwarder.call(address, service, method, request);
    },
    brokers: () => [...registry.state.brokers.values()].map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack ?? '', draining: b.draining })),
    metadataState: () => registry.state,
    validate: (command) => registry.validate(command),
    propose: (command) => registry.propose(command),
  };

  return {
    registry,
    partitions,
    context,
    raftMetrics: [...host.timings.metrics, host.entryCache.metric],
    raftService: { definition: raftServiceDefinition(), implementation: transport.serviceImplementation() },
    ready: () => registry.broker(config.nodeId) !== undefined && metadata.leaderId !== null,
    start: () => {
      host.add(metadataDriver!);
      host.start();
      controllerDuties.start();
      joiner?.start();
      balancer = setInterval(() => membership.balance(partitions.all()), PREFERRED_LEADER_CHECK_MS);
      balancer.unref();
      membershipTimer = setInterval(() => membership.retry(partitions.all()), MEMBERSHIP_CHECK_MS);
      membershipTimer.unref();
    },
    stop: async () => {
      if (balancer) clearInterval(balancer);
      if (membershipTimer) clearInterval(membershipTimer);
      controllerDuties.stop();
      joiner?.stop();
      await metadataDriver!.stop();
      metadata.close();
      await partitions.stop();
      forwarder.close();
      await host.stop();
    },
  };
}
