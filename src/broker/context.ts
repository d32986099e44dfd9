// What every handler needs, gathered once at start.
import type { Clock } from '../common/clock';
import type { OffsetStore } from '../groups/offset-store';
import type { TopicRegistry } from '../metadata/topic-registry';
import type { BrokerConfig } from './config';
import type { BrokerMetrics } from './metrics';
import type { PartitionManager } from './partition-manager';
import type { ProducerIdAllocator } from './producer-ids';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly registry: TopicRegistry;
  readonly partitions: PartitionManager;
  readonly offsets: OffsetStore;
  readonly producerIds: ProducerIdAllocator;
  readonly metrics: BrokerMetrics;
  /** Aborted when the broker stops, ending long polls and subscriptions. */
  readonly stopping: AbortSignal;
}
