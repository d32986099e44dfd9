// Wiring of one broker: storage → cluster core (metadata and partitions as Raft groups) → offsets
// → gRPC + HTTP. A broker started without a cluster definition is a one-broker cluster: the same
// path, with one voter per group (docs/architecture.md, "One startup path"). `startBroker`
// resolves once the broker serves requests (a one-broker cluster: once it leads every partition);
// `stop` is graceful (finishes queued appends, fsyncs, closes LMDB) and safe to call twice.
import { systemClock, type Clock } from '../common/clock';
import { moduleLogger } from '../common/logger';
import { ConsumerGroupCoordinators } from '../consumer-groups/consumer-group-coordinators';
import { ConsumerGroupOffsets, OFFSETS_TOPIC } from '../consumer-groups/consumer-group-offsets';
import { StorageEngine } from '../storage/storage-engine';
import { testFaultFileIo } from '../storage/test-fault-file-io';
import { enableTestFaults } from '../common/test-faults';
import { METADATA_LOG_TOPIC, startClusterCore } from './cluster/cluster-core';
import { oneBrokerCluster, type BrokerConfig } from './config';
import { deriveDescriptorBudget, describeBudget, readOpenFileLimit } from './descriptor-budget';
import type { BrokerContext } from './context';
import { startGrpcServer } from './grpc-server';
import { startHttpServer } from './http-server';
import { BrokerMetrics } from './metrics';
import { ProducerIdAllocator } from './producer-ids';

/** Far above what a one-broker cluster needs to elect itself everywhere (milliseconds), even with thousands of partitions. */
const ONE_BROKER_START_TIMEOUT_MS = 120_000;

export interface RunningBroker {
  readonly config: BrokerConfig;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly context: BrokerContext;
  stop(): Promise<void>;
}

export async function startBroker(configured: BrokerConfig, clock: Clock = systemClock): Promise<RunningBroker> {
  const logger = moduleLogger('broker', { node: configured.nodeId });
  // Limits left at 0 are derived from the open-file limit; everything after sees the numbers.
  const budget = deriveDescriptorBudget(readOpenFileLimit(), configured.limits);
  const config: BrokerConfig = { ...configured, limits: { ...configured.limits, maxPartitionReplicas: budget.partitionReplicas, maxOpenSegmentFiles: budget.segmentFilePool } };
  (budget.overcommitted ? logger.warn.bind(logger) : logger.info.bind(logger))({ openFileLimit: budget.openFileLimit, partitionReplicas: budget.partitionReplicas, segmentFilePool: budget.segmentFilePool, reserved: budget.reserved }, describeBudget(budget));
  // Test-only faults (docs/chaos.md, "Checking the checkers"): refused unless the test switch is set.
  const faults = enableTestFaults();
  if (faults.length > 0) logger.warn({ faults }, `TEST FAULTS ON: ${faults.join(', ')}; this broker breaks its promises on purpose`);
  const io = testFaultFileIo(configured.dataDir, logger);
  const storage = await StorageEngine.open({ dataDir: config.dataDir, clock, maxOpenSegmentFiles: budget.segmentFilePool, ...(io ? { io } : {}) });
  const cluster = await startClusterCore(config, config.cluster ?? oneBrokerCluster(config), storage, clock);
  const { registry, partitions } = cluster;
  await partitions.start(config.retentionCheckIntervalMs);
  const metrics = new BrokerMetrics(() => partitions, registry, cluster.raftMetrics, { budget, pool: storage.descriptorPool });
  const offsets = new ConsumerGroupOffsets((p) => partitions.get(OFFSETS_TOPIC, p), config.offsetsTopicPartitions, config.nodeId, clock, (name) => registry.get(name), config.groupStateSnapshotMinRecords);
  const consumerGroups = new ConsumerGroupCoordinators(
    offsets,
    { sessionTimeoutMs: config.groupSessionTimeoutMs, heartbeatIntervalMs: config.groupHeartbeatIntervalMs, maxSize: config.groupMaxSize },
    () => new Map(registry.list().map((t) => [t.name, t.partitions])),
    clock,
    config.nodeId,
  );
  registry.onChange(async () => consumerGroups.topicsChanged());
  metrics.addConsumerGroups(() => consumerGroups.gauges(), () => partitions, { nodeId: config.nodeId, clock });

  const stopping = new AbortController();
  const context: BrokerContext = {
    config,
    clock,
    registry,
    partitions,
    offsets,
    consumerGroups,
    producerIds: new ProducerIdAllocator(storage, config.nodeId),
    metrics,
    stopping: stopping.signal,
    cluster: cluster.context,
  };
  let ready = false;
  const grpcServer = await startGrpcServer(context, logger, [cluster.raftService]);
  const httpServer = await startHttpServer(context, () => ready && cluster.ready());
  cluster.start({ grpcPort: grpcServer.port, httpPort: httpServer.port });
  if (!config.cluster) {
    // Alone, the broker elects itself in every group at once: it answers as soon as it returns.
    await cluster.leadingAll(ONE_BROKER_START_TIMEOUT_MS);
    partitions.reportUnknownLogs(METADATA_LOG_TOPIC);
  }
  // Session timeouts are found within a tenth of the session (and at least every second).
  consumerGroups.start(Math.max(10, Math.min(1_000, Math.floor(config.groupSessionTimeoutMs / 10))));
  ready = true;
  logger.info({ grpcPort: grpcServer.port, httpPort: httpServer.port, dataDir: config.dataDir, cluster: config.clusterId }, 'broker started');

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    ready = false;
    stopping.abort();
    consumerGroups.stop();
    await grpcServer.stop();
    await cluster.stop();
    await storage.close();
    await httpServer.stop();
    logger.info('broker stopped');
  };
  return {
    config,
    grpcPort: grpcServer.port,
    httpPort: httpServer.port,
    context,
    stop: () => (stopped ??= stop()),
  };
}
