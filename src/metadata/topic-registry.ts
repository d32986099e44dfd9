// The topics a broker knows, persisted durably in the broker's meta store. On a single broker
// this is the whole metadata; the replicated controller (a later issue) will feed the same
// TopicRegistry interface from its Raft log instead.
import type { DurableMeta } from '../storage/durable-meta';
import type { PartitionAssignment } from './metadata-state';
import { DEFAULT_TOPIC_CONFIG, type TopicConfig } from './topic-config';

export interface TopicMetadata {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
  readonly config: TopicConfig;
  readonly createdAtMs: number;
}



export type TopicChange =
  | { readonly type: 'created'; readonly topic: TopicMetadata }
  | { readonly type: 'updated'; readonly topic: TopicMetadata; readonly previous: TopicMetadata }
  | { readonly type: 'deleted'; readonly topic: TopicMetadata };

/**
 * The topics a broker knows and the way to change them. Changes resolve once durable (on a
 * single broker: fsynced locally; in a cluster: committed by the metadata group) and reject with
 * a SluiceError whose code says why.
 */
export interface TopicRegistry {
  list(): TopicMetadata[];
  get(name: string): TopicMetadata | undefined;
  /** Broker ids holding replicas of a partition, preferred leader first. */
  replicas(topic: string, partition: number): readonly number[];
  /**
   * Cluster only: the partition's assignment, including brokers still holding a copy while a
   * reassignment removes them (`retiring`), and whether it was ever reassigned.
   */
  assignment?(topic: string, partition: number): PartitionAssignment | undefined;
  /** Number of brokers that can hold replicas. */
  brokerCount(): number;
  onChange(listener: (change: TopicChange) => Promise<void>): void;
  create(topic: TopicMetadata): Promise<void>;
  update(topic: TopicMetadata): Promise<void>;
  delete(name: string): Promise<void>;
}

const META_KEY = 'metadata/topics';

/** The registry of a single broker, persisted in its meta store. */
export class LocalTopicRegistry implements TopicRegistry {
  private readonly byName = new Map<string, TopicMetadata>();
  private readonly listeners: ((change: TopicChange) => Promise<void>)[] = [];
  /** Mutations are serialized so that each persisted snapshot includes all earlier ones. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly meta: DurableMeta,
    private readonly nodeId = 1,
  ) {
    const stored = meta.getMeta(META_KEY) as TopicMetadata[] | undefined;
    for (const topic of stored ?? []) {
      this.byName.set(topic.name, { ...topic, config: { ...DEFAULT_TOPIC_CONFIG, ...topic.config } });
    }
  }

  list(): TopicMetadata[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): TopicMetadata | undefined {
    return this.byName.get(name);
  }

  replicas(): readonly number[] {
    return [this.nodeId];
  }

  brokerCount(): number {
    return 1;
  }

  /** Called after each durable change, in order; the registry waits for listeners to finish. */
  onChange(listener: (change: TopicChange) => Promise<void>): void {
    this.listeners.push(listener);
  }

  create(topic: TopicMetadata): Promise<void> {
    return this.mutate(() => {
      if (this.byName.has(topic.name)) throw new Error(`topic '${topic.name}' already exists`);
      this.byName.set(topic.name, topic);
      return { type: 'created', topic };
    });
  }

  update(topic: TopicMetadata): Promise<void> {
    return this.mutate(() => {
      const previous = this.byName.get(topic.name);
      if (!previous) throw new Error(`topic '${topic.name}' does not exist`);
      this.byName.set(topic.name, topic);
      return { type: 'updated', topic, previous };
    });
  }

  delete(name: string): Promise<void> {
    return this.mutate(() => {
      const topic = this.byName.get(name);
      if (!topic) throw new Error(`topic '${name}' does not exist`);
      this.byName.delete(name);
      return { type: 'deleted', topic };
    });
  }

  private mutate(apply: () => TopicChange): Promise<void> {
    const run = async (): Promise<void> => {
      const snapshot = new Map(this.byName);
      const change = apply();
      try {
        await this.meta.putMetaDurable(META_KEY, this.list());
      } catch (error) {
        this.byName.clear();
        for (const [name, topic] of snapshot) this.byName.set(name, topic);
        throw error;
      }
      for (const listener of this.listeners) await listener(change);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
