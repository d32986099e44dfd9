// The replicated heart of every broker: the Raft transport and host, the metadata (controller)
// group, the cluster topic registry, and partitions as Raft groups. A single broker runs it too,
// as a one-broker cluster whose groups have one voter (docs/architecture.md, "One startup path").
// The metadata leader registers the cluster's brokers, adopts a single broker's old topics, and
// creates __consumer_offsets; every broker creates the replicas the applied metadata assigns to it.
import type { Metric } from 'prom-client';
import type { Clock } from '../../common/clock';
import { ErrorCode, SluiceError } from '../../common/errors';
import { asNodeId, partitionKey } from '../../common/ids';
import { EMPTY_CONFIG } from '../../raft';
import { moduleLogger } from '../../common/logger';
import { OFFSETS_TOPIC } from '../../consumer-groups/consumer-group-offsets';
import { campaignIfSoleVoter, openReplicatedPartition } from '../../partition/open-replicated';
import { RaftGroup } from '../../replication/raft-group';
import { GrpcRaftTransport, raftServiceDefinition } from '../../replication/grpc-transport';
import { forgetRaftState, LogRaftStorage } from '../../replication/log-raft-storage';
import { setAsideToRebuild } from '../../replication/set-aside-to-rebuild';
import { RaftHost } from '../../replication/raft-host';
import type { StorageEngine } from '../../storage/storage-engine';
import type { BrokerConfig, ClusterMember, ClusterSettings } from '../config';
import type { ClusterContext } from '../context';
import { PartitionManager } from '../partition-manager';
import { ClusterTopicRegistry } from './cluster-registry';
import { Forwarder } from './forwarder';
import { ControllerDuties, JoinRequester, MAX_METADATA_VOTERS } from './controller-duties';
import type { CommandOutcome } from '../../metadata/apply-command';
import { METADATA_RAFT_GROUP_ID, openMetadataLog } from './metadata-log';
import { MetadataRaftGroup } from './metadata-raft-group';
import { ReassignmentReporter } from './reassignment-reporter';
import { ReplicaMembership } from './replica-membership';
import type { MetadataCommand } from '../../metadata/metadata-commands';
import { SingleBrokerTopics } from './single-broker-topics';

export { METADATA_LOG_TOPIC, METADATA_RAFT_GROUP_ID } from './metadata-log';
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
  /**
   * Starts the groups once the servers listen. `bound` are the ports they listen on: they replace
   * a port of 0 ("any free port") in this broker's entry of the settings, so that it registers
   * the address it really has.
   */
  start(bound: { readonly grpcPort: number; readonly httpPort: number }): void;
  /**
   * Resolves once the metadata is complete on this broker and every partition it holds leads and
   * knows its commit point: what a one-broker cluster reaches on its own right after start.
   * Rejects after `timeoutMs`, saying what is still missing.
   */
  leadingAll(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** How often leadingAll looks again (start-up only). */
const LEADING_ALL_POLL_MS = 2;

export async function startClusterCore(config: BrokerConfig, cluster: ClusterSettings, storage: StorageEngine, clock: Clock): Promise<ClusterCore> {
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

  // Topics of a single broker of release 0.1: replayed by the metadata leader before anything
  // else, and their logs adopted as they are (see single-broker-topics.ts).
  let singleBrokerTopics = SingleBrokerTopics.find(storage);
  if (singleBrokerTopics && cluster.brokers.length > 1) {
    throw new Error(
      `${config.dataDir} holds the topics of a single broker of release 0.1: start it once without --cluster, so that it adopts them, before it joins a cluster`,
    );
  }
  const adoptLogs = singleBrokerTopics !== undefined;

  const metadata = new MetadataRaftGroup(registry, config.nodeId, clock, logger);
  registry.attach(metadata);
  const ids = cluster.brokers.map((b) => b.id).sort((a, b) => a - b);
  // A joining broker waits for the controller to add it; the founding brokers start the group.
  const bootstrap = cluster.join ? EMPTY_CONFIG : { voters: ids.slice(0, MAX_METADATA_VOTERS).map(asNodeId), learners: ids.slice(MAX_METADATA_VOTERS).map(asNodeId) };
  const metadataLog = await openMetadataLog(storage, { nodeId: config.nodeId, dataDir: config.dataDir, bootstrap, logger });
  let metadataDriver: RaftGroup | undefined;
  const metadataStorage = new LogRaftStorage(metadataLog, storage, METADATA_RAFT_GROUP_ID, bootstrap, () => metadataDriver?.entriesLoaded(), host.entryCache);
  await metadataStorage.persistBootstrapConfig();
  metadataDriver = new RaftGroup({
    raftGroupId: METADATA_RAFT_GROUP_ID,
    nodeId: asNodeId(config.nodeId),
    storage: metadataStorage,
    host,
    machine: metadata,
    logger,
    electionTimeoutTicks: cluster.electionTimeoutTicks,
    applied: 0, // the state machine lives in memory: replay the whole metadata log on start
    seed: config.nodeId * 7919,
    rebuildingAfterTerm: metadataStorage.rebuildingAfterTerm,
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
  const partitions = new PartitionManager({
    storage,
    registry,
    nodeId: config.nodeId,
    openReplica: async (tp, log, _logConfig, assignment, raftGroupId) => {
      const { partition, group } = await openReplicatedPartition({
        topicPartition: tp,
        raftGroupId,
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
        adoptUnreplicatedLog: adoptLogs,
      });
      membership.add(partition, group, assignment);
      return partition;
    },
    addressOf,
    forgetReplicaState: (raftGroupId) => forgetRaftState(storage, raftGroupId),
    assignmentChanged: (replica, assignment) => membership.assign(replica, assignment),
    startRebuilding: async (tp, topicId, raftGroupId) => {
      const { afterTerm, aside } = await setAsideToRebuild(storage, raftGroupId, { ...tp, topicId });
      logger.warn({ partition: partitionKey(tp), afterTerm }, `${partitionKey(tp)} is marked as rebuilding after term ${afterTerm}`);
      return aside;
    },
    maxReplicas: config.limits.maxPartitionReplicas,
  });

  let balancer: NodeJS.Timeout | undefined;
  let membershipTimer: NodeJS.Timeout | undefined;
  let controllerDuties: ControllerDuties | undefined;
  let joiner: JoinRequester | undefined;
  metadata.onApplied(() => controllerDuties?.poke());
  /** Why the last attempt to adopt them failed (ControllerDuties retries), for a start that gives up. */
  let adoptionFailure: string | undefined;
  const adoptSingleBrokerTopics = async (): Promise<void> => {
    try {
      await singleBrokerTopics?.adopt(registry, logger);
    } catch (error) {
      adoptionFailure = (error as Error).message;
      throw error;
    }
    singleBrokerTopics = undefined;
  };

  // A broker started alone has no cluster definition to grow by: another broker registered with
  // it would join its metadata group, and once promoted take away its majority.
  const refusedAlone = (command: MetadataCommand): Extract<CommandOutcome, { ok: false }> | undefined =>
    config.cluster === undefined && command.type === 'RegisterBroker' && command.id !== config.nodeId
      ? {
          ok: false,
          code: ErrorCode.INVALID_REQUEST,
          message: `broker ${config.nodeId} runs alone (started without --cluster) and registers no other broker (asked for broker ${command.id}): start every broker with --cluster FILE to form a cluster`,
        }
      : undefined;

  // A request the metadata leader's state refuses is answered without being proposed: refused
  // commands used to enter the log (100,000 fuzzed requests wrote 180,000 of them, 52 MB that
  // every start replays). Apply still decides: a command accepted here may be refused there,
  // after another that was committed first. Only on the leader, whose applied state includes every
  // change answered to a client (each answer waits for it): a follower's may lag.
  const refusedNow = (command: MetadataCommand): Extract<CommandOutcome, { ok: false }> | undefined => {
    if (metadata.leaderId !== config.nodeId) return undefined;
    const outcome = registry.validate(command);
    return outcome.ok ? undefined : outcome;
  };

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
    validate: (command) => refusedAlone(command) ?? registry.validate(command),
    propose: (command) => {
      const refused = refusedAlone(command) ?? refusedNow(command);
      return refused ? Promise.reject(new SluiceError(refused.code, refused.message)) : registry.propose(command);
    },
  };

  return {
    registry,
    partitions,
    context,
    raftMetrics: [...host.timings.metrics, host.entryCache.metric],
    raftService: { definition: raftServiceDefinition(), implementation: transport.serviceImplementation() },
    ready: () => registry.broker(config.nodeId) !== undefined && metadata.leaderId !== null,
    leadingAll: async (timeoutMs) => {
      // On the monotonic clock: a wall-clock step (docs/chaos.md "Clock faults") must not end or stretch the wait.
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const adopting = singleBrokerTopics === undefined ? undefined : adoptionFailure ?? 'under way';
        const missing = notYetLeading(config.nodeId, registry, metadata, partitions, adopting);
        if (missing === undefined) return;
        if (performance.now() > deadline) throw new Error(`broker ${config.nodeId} did not start serving within ${timeoutMs} ms: ${missing}`);
        await new Promise((resolve) => setTimeout(resolve, LEADING_ALL_POLL_MS));
      }
    },
    start: (bound) => {
      const members = cluster.brokers.map((b) => (b.id === config.nodeId ? withBoundPorts(b, bound) : b));
      const settings: ClusterSettings = { ...cluster, brokers: members };
      controllerDuties = new ControllerDuties(config, settings, registry, metadata, metadataDriver!, clock, logger, adoptSingleBrokerTopics);
      joiner = cluster.join ? new JoinRequester(config, settings, registry, forwarder, logger) : undefined;
      host.add(metadataDriver!);
      host.start();
      campaignIfSoleVoter(metadataDriver!, config.nodeId);
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
      controllerDuties?.stop();
      joiner?.stop();
      await metadataDriver!.stop();
      metadata.close();
      await partitions.stop();
      forwarder.close();
      await host.stop();
    },
  };
}

/** This broker's entry with a port of 0 replaced by the port its server is bound to. */
function withBoundPorts(member: ClusterMember, bound: { readonly grpcPort: number; readonly httpPort: number }): ClusterMember {
  return { ...member, grpcPort: member.grpcPort === 0 ? bound.grpcPort : member.grpcPort, httpPort: member.httpPort === 0 ? bound.httpPort : member.httpPort };
}

/** What this broker still waits for before it leads everything it holds, or undefined when nothing. */
function notYetLeading(
  nodeId: number,
  registry: ClusterTopicRegistry,
  metadata: MetadataRaftGroup,
  partitions: PartitionManager,
  /** Where the adoption of a release-0.1 broker's topics stands, or undefined when there is none. */
  adopting: string | undefined,
): string | undefined {
  if (!metadata.leading) return 'it does not lead the metadata group yet';
  if (!registry.broker(nodeId)) return 'it is not registered in the metadata yet';
  if (adopting !== undefined) return `the single broker's topics are not all adopted yet (${adopting})`;
  if (!registry.get(OFFSETS_TOPIC)) return `${OFFSETS_TOPIC} is not created yet`;
  for (const topic of registry.list()) {
    for (let p = 0; p < topic.partitions; p++) {
      const replica = partitions.get(topic.name, p);
      // Out of service (its log cannot be opened): reported, and no reason not to serve the rest.
      if (!replica && partitions.outOfService.get({ topic: topic.name, partition: p })) continue;
      if (!replica) return `its replica of ${topic.name}/${p} is not open yet`;
      if (replica.leaderId !== nodeId || !replica.caughtUp) return `it does not lead ${topic.name}/${p} yet`;
    }
  }
  return undefined;
}
