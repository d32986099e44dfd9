// Topics of a data directory written by a single broker before a single broker ran as a
// one-broker cluster (release 0.1 kept them as one list in the meta store). They are adopted once:
// replayed as CreateTopic commands, each keeping its creation time (committed offsets older than
// it are hidden, so a new time would hide them all) and its configs, and then forgotten. A crash
// in the middle replays the rest on the next start: topics the metadata already holds are skipped.
// docs/architecture.md ("One startup path") tells the whole adoption.
import { ErrorCode, SluiceError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { legacyTopicId } from '../../common/topic-id';
import { DEFAULT_TOPIC_CONFIG, topicConfigStrings, type TopicConfig } from '../../metadata/topic-config';
import type { DurableMeta } from '../../storage/durable-meta';
import type { ClusterTopicRegistry } from './cluster-registry';

/** Where release 0.1's single broker kept its topics. */
const SINGLE_BROKER_TOPICS_KEY = 'metadata/topics';

interface StoredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
  /** The topic's whole config as stored then (keys added since take their defaults). */
  readonly config: Partial<TopicConfig>;
  readonly createdAtMs: number;
}

export class SingleBrokerTopics {
  private constructor(
    private readonly meta: DurableMeta,
    private readonly topics: readonly StoredTopic[],
  ) {}

  /** The topics a single broker of release 0.1 left in `meta`, or undefined when there are none to adopt. */
  static find(meta: DurableMeta): SingleBrokerTopics | undefined {
    const stored = meta.getMeta(SINGLE_BROKER_TOPICS_KEY);
    return Array.isArray(stored) ? new SingleBrokerTopics(meta, stored as StoredTopic[]) : undefined;
  }

  /**
   * Proposes every topic the metadata does not hold yet, in creation order, then forgets the list.
   * Resolves once each topic's replicas are open (ClusterTopicRegistry.propose waits for them).
   * Rejects with a SluiceError saying which topic could not be adopted and why.
   */
  async adopt(registry: ClusterTopicRegistry, logger: Logger): Promise<void> {
    for (const topic of [...this.topics].sort((a, b) => a.createdAtMs - b.createdAtMs)) {
      if (registry.get(topic.name)) continue;
      try {
        await registry.propose({
          type: 'CreateTopic',
          name: topic.name,
          partitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          config: topicConfigStrings({ ...DEFAULT_TOPIC_CONFIG, ...topic.config }),
          internal: topic.internal,
          nowMs: topic.createdAtMs,
          // The id its CreateTopic would have been given without one: the same on a retried adoption.
          topicId: legacyTopicId(topic.name, topic.createdAtMs),
        });
      } catch (error) {
        if (error instanceof SluiceError && error.code === ErrorCode.TOPIC_ALREADY_EXISTS) continue;
        throw new SluiceError(
          error instanceof SluiceError ? error.code : ErrorCode.STORAGE_ERROR,
          `adopting topic '${topic.name}' of this single broker's data directory failed: ${(error as Error).message}`,
        );
      }
      logger.info({ topic: topic.name, partitions: topic.partitions, createdAtMs: topic.createdAtMs }, `adopted topic '${topic.name}' of the single broker's data directory`);
    }
    await this.meta.putMetaDurable(SINGLE_BROKER_TOPICS_KEY, null);
  }
}
