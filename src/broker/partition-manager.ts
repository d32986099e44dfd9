// Hosts this broker's partitions: opens a Partition for every partition of every topic in the
// registry, follows topic changes (create, grow, reconfigure, delete), and runs retention.
import { partitionKey, type TopicPartition } from '../common/ids';
import { moduleLogger, type Logger } from '../common/logger';
import { logConfigOf } from '../metadata/topic-config';
import type { TopicChange, TopicMetadata, TopicRegistry } from '../metadata/topic-registry';
import type { PartitionReplica } from '../partition/replica';
import type { StorageEngine } from '../storage/storage-engine';
import type { LogConfig, PartitionLog } from '../storage/types';

/** Creates this broker's replica of a partition over its opened log. */
export type PartitionOpener = (tp: TopicPartition, log: PartitionLog, config: LogConfig, replicaIds: readonly number[]) => Promise<PartitionReplica>;

export class PartitionManager {
  private readonly partitions = new Map<string, PartitionReplica>();
  private readonly logger: Logger = moduleLogger('partitions');
  private retentionTimer: NodeJS.Timeout | undefined;
  private retentionRunning = false;

  constructor(
    private readonly storage: StorageEngine,
    private readonly registry: TopicRegistry,
    private readonly nodeId: number,
    private readonly openReplica: PartitionOpener,
  ) {
    registry.onChange((change) => this.onTopicChange(change));
  }

  /** Opens every partition in the registry and removes logs of topics that no longer exist. */
  async start(retentionCheckIntervalMs: number, options: { removeOrphanLogs: boolean }): Promise<void> {
    for (const topic of this.registry.list()) await this.openTopic(topic, 0);
    for (const tp of options.removeOrphanLogs ? await this.storage.listLogs() : []) {
      const topic = this.registry.get(tp.topic);
      if (!topic || tp.partition >= topic.partitions || !this.registry.replicas(tp.topic, tp.partition).includes(this.nodeId)) {
        this.logger.warn({ partition: partitionKey(tp) }, 'removing the log of a deleted topic');
        await this.storage.deleteLog(tp.topic, tp.partition);
      }
    }
    this.retentionTimer = setInterval(() => void this.runRetention(), retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  get(topic: string, partition: number): PartitionReplica | undefined {
    return this.partitions.get(partitionKey({ topic, partition }));
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
  }

  private async onTopicChange(change: TopicChange): Promise<void> {
    switch (change.type) {
      case 'created':
        await this.openTopic(change.topic, 0);
        return;
      case 'updated': {
        const logConfig = logConfigOf(change.topic.config);
        for (const partition of this.ofTopic(change.topic.name)) partition.updateConfig(logConfig);
        await this.openTopic(change.topic, change.previous.partitions);
        return;
      }
      case 'deleted':
        for (let p = 0; p < change.topic.partitions; p++) {
          const key = partitionKey({ topic: change.topic.name, partition: p });
          await this.partitions.get(key)?.destroy();
          this.partitions.delete(key);
          await this.storage.deleteLog(change.topic.name, p);
        }
        return;
    }
  }

  private async openTopic(topic: TopicMetadata, fromPartition: number): Promise<void> {
    const logConfig = logConfigOf(topic.config);
    for (let p = fromPartition; p < topic.partitions; p++) {
      const tp: TopicPartition = { topic: topic.name, partition: p };
      const replicaIds = this.registry.replicas(tp.topic, tp.partition);
      if (this.partitions.has(partitionKey(tp)) || !replicaIds.includes(this.nodeId)) continue;
      const log = await this.storage.openLog(tp.topic, tp.partition, logConfig);
      this.partitions.set(partitionKey(tp), await this.openReplica(tp, log, logConfig, replicaIds));
    }
  }
}
