// What every handler needs, gathered once at start.
import type { Clock } from '../common/clock';
import type { ConsumerGroupCoordinators } from '../consumer-groups/consumer-group-coordinators';
import type { ConsumerGroupOffsets } from '../consumer-groups/consumer-group-offsets';
import type { MetadataCommand } from '../metadata/metadata-commands';
import type { MetadataState } from '../metadata/metadata-state';
import type { TopicRegistry } from '../metadata/topic-registry';
import type { CommandOutcome } from '../metadata/apply-command';
import type { BrokerConfig } from './config';
import type { BrokerMetrics } from './metrics';
import type { PartitionManager } from './partition-manager';
import type { ProducerIdAllocator } from './producer-ids';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly registry: TopicRegistry;
  readonly partitions: PartitionManager;
  readonly offsets: ConsumerGroupOffsets;
  /** The consumer groups this broker coordinates (membership, assignment, commit fencing). */
  readonly consumerGroups: ConsumerGroupCoordinators;
  readonly producerIds: ProducerIdAllocator;
  readonly metrics: BrokerMetrics;
  /** Aborted when the broker stops, ending long polls and subscriptions. */
  readonly stopping: AbortSignal;
  /** The cluster this broker is one of (a broker started alone is a one-broker cluster). */
  readonly cluster: ClusterContext;
}

export interface ClusterContext {
  /** Broker id of the metadata (controller) leader, or null during an election. */
  metadataLeader(): number | null;
  /** The gRPC address of a broker. */
  addressOf(brokerId: number): string | undefined;
  /** Sends a request to another broker's service, marked as forwarded (it will not forward again). */
  forward(service: 'sluice.v1.Admin' | 'sluice.v1.Groups', method: string, request: object, brokerId: number): Promise<any>;
  /** The registered brokers. */
  brokers(): { id: number; host: string; port: number; rack: string; draining: boolean }[];
  /** The latest applied metadata (a committed state). */
  metadataState(): MetadataState;
  /** What applying `command` to the current metadata would answer, without proposing it. */
  validate(command: MetadataCommand): CommandOutcome;
  /** Proposes a metadata command (controller only); rejects with a SluiceError saying why it failed. */
  propose(command: MetadataCommand): Promise<void>;
}
