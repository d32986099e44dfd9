// Topic and cluster administration, plus offset and group queries. Each call goes to the
// bootstrap broker with the client's retry policy; a per-topic error throws SluiceTopicError
// (the first one) so that callers never miss a failure.
import { ErrorCode } from '../common/errors';
import type { MethodName, RequestOf, ResponseOf, TopicDescription as TopicDescriptionWire, TopicResult as TopicResultWire } from '../protocol/wire-types';
import { everyField } from '../protocol/wire-types';
import type { ClientContext } from './client-context';
import { partitionError, SluiceError, SluiceTopicError } from './errors';
import { callLeaders } from './leader-requests';
import { toGroupDescription, toGroupListings, type GroupDescription, type GroupListing } from './group-admin';

export interface TopicSpec {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicListing {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
  /** The topic's id (22 characters, as Kafka prints one). */
  readonly topicId: string;
}

export interface PartitionDescription {
  readonly partition: number;
  /** Broker id of the leader, 0 when there is none. */
  readonly leaderId: number;
  readonly replicas: readonly number[];
  readonly leaderEpoch: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly sizeBytes: number;
  /** Brokers leaving the partition that keep a copy until its reassignment finishes. */
  readonly retiring: readonly number[];
  /** The Raft group's members as the answering broker knows them (exact when it leads). */
  readonly voters: readonly number[];
  readonly learners: readonly number[];
}

/** A partition's new replica set, preferred leader first. */
export interface PartitionReassignment {
  readonly topic: string;
  readonly partition: number;
  readonly replicas: readonly number[];
}

export interface TopicDescription {
  readonly name: string;
  readonly internal: boolean;
  readonly replicationFactor: number;
  readonly partitions: readonly PartitionDescription[];
  readonly configs: Readonly<Record<string, string>>;
  /** The topic's id (22 characters, as Kafka prints one): a topic re-created under the same name has a new one. */
  readonly topicId: string;
}

export interface ClusterDescription {
  readonly clusterId: string;
  readonly controllerId: number;
  readonly brokers: readonly { id: number; host: string; port: number; rack: string; draining: boolean }[];
}

export interface ListOffsetsQuery {
  readonly topic: string;
  readonly partition: number;
  /** -1 latest (high watermark), -2 earliest (log start), else a timestamp in ms. */
  readonly timestamp: number;
}

export interface ListOffsetsResult {
  readonly topic: string;
  readonly partition: number;
  /** -1 when no record has a timestamp >= the one asked for. */
  readonly offset: number;
  readonly timestamp: number;
  readonly logStartOffset: number;
  readonly highWatermark: number;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group has none. */
  readonly offset: number;
  readonly metadata: string;
  readonly commitTimeMs: number;
}

// Every field of a described topic is read below (a field added to the proto fails tsc until it is
// handled and named); errorCode and errorMessage by throwFirstTopicError.
everyField<TopicDescriptionWire>()('name', 'errorCode', 'errorMessage', 'internal', 'replicationFactor', 'partitions', 'configs', 'topicId');
everyField<TopicDescriptionWire['partitions'][number]>()(
  'partition', 'leaderId', 'replicas', 'leaderEpoch', 'logStartOffset', 'logEndOffset', 'highWatermark', 'sizeBytes', 'retiring', 'voters', 'learners',
);
everyField<ResponseOf<'sluice.v1.Admin', 'describeCluster'>['brokers'][number]>()('id', 'host', 'port', 'rack', 'draining');

function toTopicDescription(t: TopicDescriptionWire): TopicDescription {
  return {
    name: t.name,
    internal: t.internal,
    replicationFactor: t.replicationFactor,
    configs: { ...t.configs },
    topicId: t.topicId,
    partitions: t.partitions.map((p) => ({
      partition: p.partition, leaderId: p.leaderId, replicas: [...p.replicas], leaderEpoch: p.leaderEpoch,
      logStartOffset: p.logStartOffset, logEndOffset: p.logEndOffset, highWatermark: p.highWatermark, sizeBytes: p.sizeBytes,
      retiring: [...p.retiring], voters: [...p.voters], learners: [...p.learners],
    })),
  };
}

export class Admin {
  constructor(private readonly context: ClientContext) {}

  /** Kept for symmetry with producer and consumer; the admin connects lazily. */
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}

  async createTopics(topics: readonly TopicSpec[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const response = await this.call('sluice.v1.Admin', 'createTopics', {
      topics: topics.map((t) => ({ name: t.name, partitions: t.partitions ?? 0, replicationFactor: t.replicationFactor ?? 0, configs: { ...t.configs } })),
      validateOnly: options.validateOnly ?? false,
    });
    throwFirstTopicError(response.topics);
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    const response = await this.call('sluice.v1.Admin', 'deleteTopics', { names });
    for (const name of names) this.context.metadata.forgetTopic(name);
    throwFirstTopicError(response.topics);
  }

  async listTopics(options: { includeInternal?: boolean } = {}): Promise<TopicListing[]> {
    const response = await this.call('sluice.v1.Admin', 'listTopics', { includeInternal: options.includeInternal ?? false });
    return response.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor, internal: t.internal, topicId: t.topicId }));
  }

  /** Describes `names` (all non-internal topics when omitted). Throws on an unknown topic. */
  /**
   * Topics with every partition as its leader describes it: a broker answers from its own replica
   * (or, holding none, with the assignment only), so partitions led elsewhere are asked again at
   * their leader, or at a replica when the first answer names none.
   */
  async describeTopics(names: readonly string[] = []): Promise<TopicDescription[]> {
    const response = await this.call('sluice.v1.Admin', 'describeTopics', { names });
    throwFirstTopicError(response.topics);
    const topics = response.topics.map(toTopicDescription);
    // Addresses from the metadata cache; DescribeCluster only when it lacks a broker.
    let described: Promise<Map<number, string>> | undefined;
    const addressOf = async (brokerId: number): Promise<string | undefined> =>
      this.context.metadata.brokers().get(brokerId) ?? (await (described ??= this.brokerAddresses())).get(brokerId);
    const views = new Map<string, Promise<TopicDescription | undefined>>();
    const viewAt = (brokerId: number, topic: string): Promise<TopicDescription | undefined> => {
      const key = `${brokerId}/${topic}`;
      let view = views.get(key);
      if (!view) {
        view = addressOf(brokerId).then((address) => address === undefined
          ? undefined
          : this.context.pool.get(address).call('sluice.v1.Admin', 'describeTopics', { names: [topic] }, this.context.requestTimeoutMs)
            .then((r) => (r.topics[0] && r.topics[0].errorCode === ErrorCode.NONE ? toTopicDescription(r.topics[0]) : undefined), () => undefined));
        views.set(key, view);
      }
      return view;
    };
    return Promise.all(topics.map(async (topic) => ({
      ...topic,
      partitions: await Promise.all(topic.partitions.map(async (p) => {
        for (const candidate of p.leaderId !== 0 ? [p.leaderId] : p.replicas) {
          const own = (await viewAt(candidate, topic.name))?.partitions.find((x) => x.partition === p.partition);
          if (own && own.leaderId === candidate) return own;
          if (own && own.leaderId !== 0 && p.leaderId === 0) {
            const led = (await viewAt(own.leaderId, topic.name))?.partitions.find((x) => x.partition === p.partition);
            return led && led.leaderId === own.leaderId ? led : own;
          }
        }
        return p;
      })),
    })));
  }

  private async brokerAddresses(): Promise<Map<number, string>> {
    try {
      const cluster = await this.describeCluster();
      return new Map(cluster.brokers.map((b) => [b.id, `${b.host}:${b.port}`]));
    } catch {
      return new Map();
    }
  }

  async alterConfigs(topic: string, change: { set?: Readonly<Record<string, string>>; delete?: readonly string[]; validateOnly?: boolean }): Promise<void> {
    const response = await this.call('sluice.v1.Admin', 'alterConfigs', {
      topic, set: { ...change.set }, delete: [...(change.delete ?? [])], validateOnly: change.validateOnly ?? false,
    });
    throwFirstTopicError([{ name: topic, ...response }]);
  }

  async createPartitions(topic: string, totalCount: number, options: { validateOnly?: boolean } = {}): Promise<void> {
    const response = await this.call('sluice.v1.Admin', 'createPartitions', {
      topic, totalCount, validateOnly: options.validateOnly ?? false,
    });
    this.context.metadata.forgetTopic(topic);
    throwFirstTopicError([{ name: topic, ...response }]);
  }

  /**
   * Whether the broker at `address` answers a request within `timeoutMs`, from where this client
   * runs (no retries): what `sluice cluster status` shows per broker.
   */
  async answers(address: string, timeoutMs: number): Promise<boolean> {
    try {
      await this.context.pool.get(address).call('sluice.v1.Admin', 'describeCluster', {}, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  async describeCluster(): Promise<ClusterDescription> {
    const response = await this.call('sluice.v1.Admin', 'describeCluster', {});
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers.map((b) => ({ id: b.id, host: b.host, port: b.port, rack: b.rack, draining: b.draining })),
    };
  }

  /**
   * Gives partitions new replica sets (cluster only). Resolves once the assignments are recorded;
   * each partition then moves in the background — `describeTopics` shows `retiring` until done.
   */
  async reassignPartitions(reassignments: readonly PartitionReassignment[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const response = await this.call('sluice.v1.Admin', 'reassignPartitions', {
      reassignments: reassignments.map((r) => ({ topic: r.topic, partition: r.partition, replicas: [...r.replicas] })),
      validateOnly: options.validateOnly ?? false,
    });
    for (const r of response.results) {
      if (r.errorCode !== ErrorCode.NONE) throw partitionError(r.errorCode, r.topic, r.partition, r.errorMessage);
    }
    for (const r of reassignments) this.context.metadata.forgetTopic(r.topic);
  }

  /**
   * Moves every replica off broker `brokerId` and places nothing new on it (cluster only), or with
   * `undrain` lets it take new replicas again. Answers the moves (made, or planned with validateOnly).
   */
  async drainBroker(brokerId: number, options: { undrain?: boolean; validateOnly?: boolean } = {}): Promise<PartitionReassignment[]> {
    const response = await this.call('sluice.v1.Admin', 'drainBroker', {
      brokerId, undrain: options.undrain ?? false, validateOnly: options.validateOnly ?? false,
    });
    if (response.errorCode !== ErrorCode.NONE) {
      throw new SluiceError(response.errorCode, `draining broker ${brokerId}: ${ErrorCode[response.errorCode] ?? response.errorCode}: ${response.errorMessage}`, { retriable: false });
    }
    return response.moves.map((m) => ({ topic: m.topic, partition: m.partition, replicas: [...m.replicas] }));
  }

  /** Resolves offsets; throws SluicePartitionError for the first partition that failed. */
  async listOffsets(queries: readonly ListOffsetsQuery[]): Promise<ListOffsetsResult[]> {
    const answers = await callLeaders(
      this.context, 'listOffsets', queries.map((q) => ({ topic: q.topic, partition: q.partition, timestampMs: q.timestamp })),
    );
    return answers.map((p) => {
      if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
      return { topic: p.topic, partition: p.partition, offset: p.offset, timestamp: p.timestampMs, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark };
    });
  }

  /** A group's committed offsets (every partition it committed when `partitions` is omitted). */
  async fetchOffsets(groupId: string, partitions: readonly { topic: string; partition: number }[] = []): Promise<CommittedOffset[]> {
    const response = await this.context.callGroups(
      'fetchOffsets', { groupId, partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition })) },
    );
    return response.partitions.map((p) => {
      if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
      return { topic: p.topic, partition: p.partition, offset: p.offset, metadata: p.metadata, commitTimeMs: p.commitTimeMs };
    });
  }

  async listGroups(): Promise<string[]> {
    const response = await this.call('sluice.v1.Groups', 'listGroups', {});
    return [...response.groupIds];
  }

  /**
   * Sets a group's committed offsets (the next offset each partition will be read from). A commit
   * outside group membership: the broker accepts it only while the group has no members (else
   * UNKNOWN_MEMBER_ID), so a running group's offsets cannot be moved under it.
   */
  async resetOffsets(groupId: string, offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    const response = await this.context.callGroups('commitOffsets', {
      groupId,
      partitions: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: '', topicId: '' })), // the topic as it is now
      memberId: '',
      memberEpoch: 0,
    });
    for (const p of response.partitions) if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
  }

  /** Consumer groups with their state and member count (in a cluster: those the broker asked coordinates). */
  async listGroupsWithState(): Promise<GroupListing[]> {
    return toGroupListings(await this.call('sluice.v1.Groups', 'listGroups', {}));
  }

  /** A consumer group's state, members and committed offsets; throws GROUP_ID_NOT_FOUND for an unknown group. */
  async describeGroup(groupId: string): Promise<GroupDescription> {
    const response = await this.call('sluice.v1.Groups', 'describeGroups', { groupIds: [groupId] });
    return toGroupDescription(response.groups[0]!);
  }

  /** Deletes an empty consumer group and its committed offsets; throws NON_EMPTY_GROUP or GROUP_ID_NOT_FOUND. */
  async deleteGroup(groupId: string): Promise<void> {
    const response = await this.call('sluice.v1.Groups', 'deleteGroups', { groupIds: [groupId] });
    const result = response.results[0]!;
    if (result.errorCode !== ErrorCode.NONE) throw new SluiceError(result.errorCode, result.errorMessage);
  }

  private call<S extends 'sluice.v1.Groups' | 'sluice.v1.Admin', M extends MethodName<S>>(service: S, method: M, request: RequestOf<S, M>): Promise<ResponseOf<S, M>> {
    return this.context.callWithRetries(service, method, request);
  }
}

function throwFirstTopicError(results: readonly Pick<TopicResultWire, 'name' | 'errorCode' | 'errorMessage'>[]): void {
  for (const result of results) {
    if (result.errorCode !== ErrorCode.NONE) throw new SluiceTopicError(result.errorCode, result.name, result.errorMessage);
  }
}
