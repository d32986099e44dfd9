// Wiring of one broker: storage → topic registry → partitions → offsets → gRPC + HTTP. A single
// broker keeps its metadata locally and commits by local fsync; a broker of a cluster gets both
// from Raft (src/broker/cluster). `startBroker` resolves once the broker serves requests; `stop`
// is graceful (finishes queued appends, fsyncs, closes LMDB) and safe to call twice.
import { systemClock, type Clock } from '../common/clock';
import { partitionKey } from '../common/ids';
import { moduleLogger } from '../common/logger';
import { OffsetStore, OFFSETS_TOPIC } from '../groups/offset-store';
import { mergeTopicConfig } from '../metadata/topic-config';
import { LocalTopicRegistry, type TopicRegistry } from '../metadata/topic-registry';
import { Partition } from '../partition/partition';
import { StorageEngine } from '../storage/storage-engine';
import { startClusterCore, type ClusterCore } from './cluster/cluster-core';
import type { BrokerConfig } from './config';
import type { BrokerContext } from './context';
import { startGrpcServer } from './grpc-server';
import { startHttpServer } from './http-server';
import { BrokerMetrics } from './metrics';
import { PartitionManager } from './partition-manager';
import { ProducerIdAllocator } from './producer-ids';

export interface RunningBroker {
  readonly config: BrokerConfig;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly context: BrokerContext;
  stop(): Promise<void>;
}

export async function startBroker(config: BrokerConfig, clock: Clock = systemClock): Promise<RunningBroker> {
  const logger = moduleLogger('broker', { node: config.nodeId });
  const storage = await StorageEngine.open({ dataDir: config.dataDir, clock });
  let registry: TopicRegistry;
  let partitions: PartitionManager;
  let cluster: ClusterCore | undefined;
  if (config.cluster) {
    cluster = await startClusterCore(config, storage, clock);
    registry = cluster.registry;
    partitions = cluster.partitions;
    // The registry is empty until the metadata log replays, so no log may be judged an orphan now.
    await partitions.start(config.retentionCheckIntervalMs, { removeOrphanLogs: false });
  } else {
    registry = await localRegistry(config, storage, clock);
    partitions = new PartitionManager(storage, registry, config.nodeId, (tp, log, logConfig) =>
      Partition.open(tp, log, logConfig, clock, moduleLogger('partition', { partition: partitionKey(tp) }), config.nodeId, config.producerIdExpirationMs),
    );
    await partitions.start(config.retentionCheckIntervalMs, { removeOrphanLogs: true });
  }
  const metrics = new BrokerMetrics(() => partitions, registry, cluster?.raftMetrics);
  const offsets = new OffsetStore((p) => partitions.get(OFFSETS_TOPIC, p), config.offsetsTopicPartitions, config.nodeId, clock, (name) => registry.get(name)?.createdAtMs);

  const stopping = new AbortController();
  const context: BrokerContext = {
    config,
    clock,
    registry,
    partitions,
    offsets,
    producerIds: new ProducerIdAllocator(storage, config.nodeId),
    metrics,
    stopping: stopping.signal,
    ...(cluster ? { cluster: cluster.context } : {}),
  };
  let ready = false;
  const grpcServer = await startGrpcServer(context, logger, cluster ? [cluster.raftService] : []);
  cluster?.start();
  const httpServer = await startHttpServer(context, () => ready && (cluster?.ready() ?? true));
  ready = true;
  logger.info({ grpcPort: grpcServer.port, httpPort: httpServer.port, dataDir: config.dataDir, cluster: config.cluster?.clusterId }, 'broker started');

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    ready = false;
    stopping.abort();
    await grpcServer.stop();
    if (cluster) await cluster.stop();
    else await partitions.stop();
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

async function localRegistry(config: BrokerConfig, storage: StorageEngine, clock: Clock): Promise<TopicRegistry> {
  const registry = new LocalTopicRegistry(storage, config.nodeId);
  if (!registry.get(OFFSETS_TOPIC)) {
    await registry.create({
      name: OFFSETS_TOPIC,
      partitions: config.offsetsTopicPartitions,
      replicationFactor: 1,
      internal: true,
      // Kept forever until compaction is built: the latest commit per key must never be deleted.
      config: mergeTopicConfig(config.topicDefaults, { 'retention.ms': '-1', 'retention.bytes': '-1', 'segment.bytes': String(16 * 1024 * 1024) }),
      createdAtMs: clock.nowMs(),
    });
  }
  return registry;
}
