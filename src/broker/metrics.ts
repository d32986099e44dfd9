// Prometheus metrics (prom-client), one registry per broker so tests can run several brokers in
// one process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { Clock } from '../common/clock';
import type { ConsumerGroupGauges } from '../consumer-groups/consumer-group-coordinators';
import type { TopicRegistry } from '../metadata/topic-registry';
import type { DescriptorPool } from '../storage/descriptor-pool';
import type { DescriptorBudget } from './descriptor-budget';
import type { PartitionManager } from './partition-manager';

/** What the broker derived from its open-file limit, and the pool it sized (docs/storage.md, "Descriptors and partition limits"). */
export interface DescriptorMetrics {
  readonly budget: DescriptorBudget;
  readonly pool: DescriptorPool;
}

export class BrokerMetrics {
  readonly registry = new Registry();
  readonly producedRecords = new Counter({ name: 'sluice_produce_records_total', help: 'Records appended', labelNames: ['topic'], registers: [this.registry] });
  readonly producedBytes = new Counter({ name: 'sluice_produce_bytes_total', help: 'Batch bytes appended', labelNames: ['topic'], registers: [this.registry] });
  readonly produceErrors = new Counter({ name: 'sluice_produce_errors_total', help: 'Produce partition results with an error', labelNames: ['code'], registers: [this.registry] });
  readonly produceLatency = new Histogram({
    name: 'sluice_produce_latency_seconds',
    help: 'Produce request latency, receipt to answer',
    labelNames: ['acks'],
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly fetchedBytes = new Counter({ name: 'sluice_fetch_bytes_total', help: 'Batch bytes returned by Fetch and Subscribe', labelNames: ['topic'], registers: [this.registry] });
  readonly fetchLatency = new Histogram({
    name: 'sluice_fetch_latency_seconds',
    help: 'Fetch request latency including long-poll wait',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly requests = new Counter({ name: 'sluice_requests_total', help: 'gRPC requests by method and status', labelNames: ['method', 'status'], registers: [this.registry] });
  /**
   * The metrics with a series per topic that live until removed (the per-partition gauges below
   * are rebuilt from the open partitions on every scrape, so they follow deletions by themselves).
   */
  private readonly perTopic = [this.producedRecords, this.producedBytes, this.fetchedBytes];

  /**
   * `extra`: metrics kept elsewhere (the Raft timings of a cluster member) served with these.
   * The series of a topic go when `registry` reports it deleted, so that /metrics holds the
   * topics that exist, not every topic ever created.
   */
  constructor(partitions: () => PartitionManager | undefined, registry: TopicRegistry, extra: readonly Metric[], descriptors: DescriptorMetrics) {
    registry.onChange(async (change) => {
      if (change.type === 'deleted') this.forgetTopic(change.topic.name);
    });
    for (const metric of extra) this.registry.registerMetric(metric);
    collectDefaultMetrics({ register: this.registry, prefix: 'sluice_' });
    const perPartition = (name: string, help: string, read: (p: ReturnType<PartitionManager['all']>[number]) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const partition of partitions()?.all() ?? []) {
            const { topic, partition: index } = partition.topicPartition;
            this.set({ topic, partition: String(index) }, read(partition));
          }
        },
      });
    };
    perPartition('sluice_log_end_offset', 'Next offset to be assigned', (p) => p.logEndOffset);
    perPartition('sluice_log_start_offset', 'First offset still stored', (p) => p.logStartOffset);
    perPartition('sluice_high_watermark', 'Offsets below this are committed', (p) => p.highWatermark);
    perPartition('sluice_log_size_bytes', 'Bytes of segment files', (p) => p.sizeBytes);
    new Gauge({
      name: 'sluice_partition_out_of_service',
      help: 'Partitions this broker holds but could not open (1 each); they answer STORAGE_ERROR, see the broker log for the reason',
      labelNames: ['topic', 'partition'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { topicPartition } of partitions()?.outOfService.list() ?? []) this.set({ topic: topicPartition.topic, partition: String(topicPartition.partition) }, 1);
      },
    });
    this.describeDescriptors(descriptors);
  }

  private describeDescriptors({ budget, pool }: DescriptorMetrics): void {
    const registers = [this.registry];
    new Gauge({ name: 'sluice_partition_replicas_max', help: 'Partition replicas this broker takes (limits.maxPartitionReplicas)', registers }).set(budget.partitionReplicas);
    new Gauge({ name: 'sluice_segment_file_pool_size', help: 'Descriptors of closed segments kept open at most (limits.maxOpenSegmentFiles)', registers }).set(budget.segmentFilePool);
    new Gauge({
      name: 'sluice_segment_file_pool_open',
      help: 'Descriptors of closed segments open now (in use ones included)',
      registers,
      collect() {
        this.set(pool.openCount);
      },
    });
    new Counter({
      name: 'sluice_segment_file_pool_evictions_total',
      help: 'Descriptors of closed segments the pool closed (reopened on their next read)',
      registers,
      collect() {
        this.reset();
        this.inc(pool.evictions);
      },
    });
  }

  /**
   * Per consumer group this broker coordinates: state, group epoch (it rises with every
   * rebalance), rebalances started here, members, and lag of each committed partition this
   * broker holds: in records (high watermark − committed offset, by this broker's replica) and in
   * seconds (since the batch holding the first unconsumed record was appended; read from the
   * local log on every scrape). Read from the coordinators' memory on every scrape.
   */
  addConsumerGroups(groups: () => readonly ConsumerGroupGauges[], partitions: () => PartitionManager | undefined, self: { readonly nodeId: number; readonly clock: Clock }): void {
    const STATES = ['empty', 'assigning', 'reconciling', 'stable', 'dead'] as const;
    const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, group: ConsumerGroupGauges) => void): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const group of groups()) fill(this, group);
        },
      });
    };
    gauge('sluice_consumer_group_members', 'Members of the consumer group', ['group'], (g, group) => g.set({ group: group.groupId }, group.memberCount));
    gauge('sluice_consumer_group_epoch', 'Group epoch: raised by every membership, subscription or topic change (each starts a rebalance)', ['group'], (g, group) => g.set({ group: group.groupId }, group.groupEpoch));
    gauge('sluice_consumer_group_state', '1 for the consumer group\'s current state', ['group', 'state'], (g, group) => {
      for (const state of STATES) g.set({ group: group.groupId, state }, state === group.state ? 1 : 0);
    });
    new Counter({
      name: 'sluice_consumer_group_rebalances_total',
      help: 'Rebalances (raised group epochs) this broker started as the consumer group\'s coordinator',
      labelNames: ['group'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const group of groups()) this.inc({ group: group.groupId }, group.rebalances);
      },
    });
    new Gauge({
      name: 'sluice_consumer_group_lag_seconds',
      help: 'Seconds since the batch holding the first record the group has not consumed (its committed offset) was appended; 0 when caught up (partitions this broker leads)',
      labelNames: ['group', 'topic', 'partition'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const nowMs = self.clock.nowMs();
        for (const group of groups()) {
          for (const o of group.offsets) {
            const partition = partitions()?.get(o.topic, o.partition);
            if (partition === undefined || partition.leaderId !== self.nodeId) continue;
            const labels = { group: group.groupId, topic: o.topic, partition: String(o.partition) };
            if (o.offset >= partition.highWatermark) {
              this.set(labels, 0);
              continue;
            }
            // Below the log start (retention) or moved away meanwhile: no age to show.
            const entry = await partition.read(o.offset, 1).then((r) => r.entries[0], () => undefined);
            if (entry !== undefined) this.set(labels, Math.max(0, nowMs - entry.header.appendTimeMs) / 1000);
          }
        }
      },
    });
    gauge('sluice_consumer_group_lag', 'Records between the committed offset and the high watermark (partitions this broker holds a replica of)', ['group', 'topic', 'partition'], (g, group) => {
      for (const o of group.offsets) {
        const partition = partitions()?.get(o.topic, o.partition);
        if (partition === undefined) continue;
        g.set({ group: group.groupId, topic: o.topic, partition: String(o.partition) }, Math.max(0, partition.highWatermark - o.offset));
      }
    });
  }

  private forgetTopic(topic: string): void {
    for (const metric of this.perTopic) metric.remove({ topic });
  }
}
