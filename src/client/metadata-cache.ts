// What the client knows about the cluster: the brokers (bootstrap list plus DescribeCluster),
// each topic's partitions with their leader, and which brokers failed recently.
//
// - Leaders come from DescribeTopics (`leader_id`) and addresses from DescribeCluster; a
//   NOT_LEADER answer's `leader_hint` overrides them until the next refresh that started after it.
// - One refresh is in flight at a time and shared by every caller that needs it; a caller that
//   needs a topic the running refresh does not cover waits for it and starts the next one.
// - Metadata older than `metadataMaxAgeMs` is refreshed in the background on next use (no
//   timers); errors (NOT_LEADER without hint, unreachable broker, unknown topic) refresh at once.
// - A broker that failed to answer is avoided for `unavailableMs`; a refresh tries the brokers
//   in turn (bootstrap list first) until one answers.
import { ErrorCode, SluiceError } from '../common/errors';
import { partitionKey, type TopicPartition } from '../common/ids';
import { moduleLogger } from '../common/logger';
import type { DescribeClusterResponse, DescribeTopicsResponse, TopicDescription } from '../protocol/wire-types';
import type { ConnectionPool } from './connection-pool';
import { SluiceClientStateError, SluiceConnectionError, SluiceTopicError } from './errors';

const log = moduleLogger('metadata');

/** A partition as last described: its leader's id (null when it has none) and replicas. */
export interface PartitionMetadata {
  readonly leaderId: number | null;
  readonly replicas: readonly number[];
}

export interface MetadataCacheOptions {
  /** Refresh metadata older than this on next use (default 30000). */
  readonly metadataMaxAgeMs?: number;
  /** Avoid a broker this long after it failed to answer (default 5000). */
  readonly unavailableMs?: number;
  readonly nowMs?: () => number;
}

interface Hint {
  readonly address: string;
  readonly seq: number;
}

export class MetadataCache {
  private readonly metadataMaxAgeMs: number;
  private readonly unavailableMs: number;
  private readonly now: () => number;
  /** Index into candidates() of the broker used for requests any broker can answer. */
  private cursor = 0;
  /** Broker id → "host:port", from DescribeCluster. */
  private readonly addresses = new Map<number, string>();
  private readonly topics = new Map<string, PartitionMetadata[]>();
  /** Topic name → its id, as last described (a new id: the topic was deleted and re-created). */
  private readonly topicIds = new Map<string, string>();
  /** Topics to describe on every refresh (any topic a caller asked about). */
  private readonly wanted = new Set<string>();
  private readonly topicErrors = new Map<string, SluiceTopicError>();
  private readonly hints = new Map<string, Hint>();
  private hintSeq = 0;
  /** Address → ms until which it is avoided. */
  private readonly down = new Map<string, number>();
  /** Address → ms until which refreshes ask it last (see suspect). */
  private readonly suspects = new Map<string, number>();
  private refreshedAtMs = -Infinity;
  private inflight: { readonly promise: Promise<void>; readonly topics: ReadonlySet<string> } | undefined;
  private controller: number | null = null;

  constructor(
    private readonly bootstrap: readonly string[],
    private readonly pool: ConnectionPool,
    private readonly requestTimeoutMs: number,
    options: MetadataCacheOptions = {},
  ) {
    if (bootstrap.length === 0) throw new SluiceClientStateError('no brokers given: pass brokers: ["host:port", ...]');
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? 30_000;
    this.unavailableMs = options.unavailableMs ?? 5_000;
    this.now = options.nowMs ?? Date.now;
  }

  /** The broker for requests that any broker can answer: the current one unless it is avoided. */
  anyBrokerAddress(): string {
    const candidates = this.candidates();
    for (let i = 0; i < candidates.length; i++) {
      const address = candidates[(this.cursor + i) % candidates.length]!;
      if (!this.isDown(address)) return address;
    }
    return candidates[this.cursor % candidates.length]!;
  }

  /** Same as anyBrokerAddress (kept for callers of the single-broker client). */
  bootstrapAddress(): string {
    return this.anyBrokerAddress();
  }

  /** `address` failed to answer: avoid it for a while, forget hints naming it, refresh from another broker. */
  markUnavailable(address: string): void {
    this.down.set(address, this.now() + this.unavailableMs);
    this.moveOn(address);
    for (const [key, hint] of this.hints) if (hint.address === address) this.hints.delete(key);
    log.debug({ address }, `broker ${address} is unavailable: refreshing metadata from another broker`);
    this.refreshInBackground();
  }

  /**
   * `address` has left a request unanswered for a while (it may be paused): refreshes ask the other
   * brokers first for `unavailableMs`, without avoiding it for requests (it may only be slow).
   */
  suspect(address: string): void {
    this.suspects.set(address, this.now() + this.unavailableMs);
  }

  /** Moves requests for any broker away from `address` (e.g. it answered NOT_COORDINATOR). */
  moveOn(address: string): void {
    const candidates = this.candidates();
    if (candidates[this.cursor % candidates.length] === address || this.anyBrokerAddress() === address) this.cursor++;
    this.cursor %= candidates.length;
  }

  /** The address to send `tp`'s produce and fetch requests to. */
  leaderFor(tp: TopicPartition): string {
    this.maybeRefresh(tp.topic);
    const hint = this.hints.get(partitionKey(tp));
    if (hint && !this.isDown(hint.address)) return hint.address;
    const described = this.topics.get(tp.topic)?.[tp.partition];
    const leaderId = described?.leaderId;
    const address = leaderId == null ? undefined : this.addresses.get(leaderId);
    if (address !== undefined && !this.isDown(address)) return address;
    // No live leader known: a live replica knows the leader (or is it); any other broker
    // answers NOT_LEADER with a replica's address.
    const replica = described?.replicas.map((id) => this.addresses.get(id)).find((a) => a !== undefined && !this.isDown(a));
    return replica ?? this.anyBrokerAddress();
  }

  /** `items` grouped by the address of their partition's leader (see leaderFor), in order. */
  byLeader<T>(items: readonly T[], partitionOf: (item: T) => TopicPartition): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
      const leader = this.leaderFor(partitionOf(item));
      let list = groups.get(leader);
      if (!list) groups.set(leader, (list = []));
      list.push(item);
    }
    return groups;
  }

  /** Records a NOT_LEADER answer: follow `hint` when given, else refresh. */
  noteNotLeader(tp: TopicPartition, hint: string | undefined): void {
    const key = partitionKey(tp);
    if (hint) {
      this.hints.set(key, { address: hint, seq: ++this.hintSeq });
      return;
    }
    this.hints.delete(key);
    this.refreshInBackground([tp.topic]);
  }

  /** The topic's id as last described (kept across a deletion, until a re-created topic's replaces it). */
  topicIdOf(topic: string): string | undefined {
    return this.topicIds.get(topic);
  }

  /** The partition's leader and replicas as last described, if known. */
  partition(tp: TopicPartition): PartitionMetadata | undefined {
    return this.topics.get(tp.topic)?.[tp.partition];
  }

  /** Known brokers: id → address (from DescribeCluster). */
  brokers(): ReadonlyMap<number, string> {
    return this.addresses;
  }

  get controllerId(): number | null {
    return this.controller;
  }

  cachedPartitionCount(topic: string): number | undefined {
    // Called for every record produced: only a miss is checked here; the age of the metadata is
    // checked once per batch sent, by leaderFor.
    const partitions = this.topics.get(topic);
    if (partitions === undefined) this.maybeRefresh(topic);
    return partitions?.length;
  }

  /** The partition count of `topic` (refreshing on a miss or when asked). Throws SluiceTopicError. */
  async partitionCount(topic: string, refresh = false): Promise<number> {
    const cached = this.topics.get(topic);
    if (cached !== undefined && !refresh) return cached.length;
    await this.refresh([topic]);
    const error = this.topicErrors.get(topic);
    if (error) throw error;
    const count = this.topics.get(topic)?.length;
    if (count === undefined) throw new SluiceTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, 'the broker did not describe it');
    return count;
  }

  /** Forgets `topic` (deleted, or answered UNKNOWN_TOPIC_OR_PARTITION) and refreshes it. */
  forgetTopic(topic: string): void {
    const known = this.topics.delete(topic);
    for (const key of [...this.hints.keys()]) if (key.startsWith(`${topic}/`)) this.hints.delete(key);
    if (known && this.wanted.has(topic)) this.refreshInBackground([topic]);
    else this.wanted.delete(topic);
  }

  /** The refresh under way, if any (callers about to retry may wait for it). */
  get refreshing(): Promise<void> | undefined {
    return this.inflight?.promise;
  }

  /**
   * Describes the cluster and every wanted topic (plus `topics`) from the first broker that
   * answers. Shared: concurrent callers get the same promise. Rejects with the last broker's
   * error when none answers.
   */
  refresh(topics: readonly string[] = []): Promise<void> {
    for (const topic of topics) this.wanted.add(topic);
    const current = this.inflight;
    if (current && topics.every((t) => current.topics.has(t))) return current.promise;
    if (current) return current.promise.catch(() => undefined).then(() => this.refresh(topics));
    const covered = new Set(this.wanted);
    const startedSeq = this.hintSeq;
    const run = this.describeFromAnyBroker([...covered], startedSeq);
    const promise: Promise<void> = run.finally(() => {
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { promise, topics: covered };
    return promise;
  }

  private refreshInBackground(topics: readonly string[] = []): void {
    this.refresh(topics).catch((error: unknown) => log.debug({ err: (error as Error).message }, 'background metadata refresh failed'));
  }

  private maybeRefresh(topic: string): void {
    if (this.inflight) return;
    if (!this.topics.has(topic) && !this.topicErrors.has(topic)) this.refreshInBackground([topic]);
    else if (this.now() - this.refreshedAtMs > this.metadataMaxAgeMs) this.refreshInBackground();
  }

  /**
   * Asks the brokers in turn until one answers. An answer that leaves a partition without a
   * leader is not taken alone: a broker that clients reach but its peers do not sees no leader
   * anywhere while the others have elected one (docs/chaos.md). The next brokers are asked too,
   * each partition keeps the answer with a leader at the highest epoch, and the broker that saw
   * none is asked last for a while.
   */
  private async describeFromAnyBroker(topics: string[], startedSeq: number): Promise<void> {
    let merged: Described | undefined;
    let lastError: SluiceError | undefined;
    for (const address of this.refreshOrder()) {
      let described: Described;
      try {
        described = await this.describeFrom(address, topics);
      } catch (error) {
        lastError = error instanceof SluiceError ? error : new SluiceError(ErrorCode.UNKNOWN, String(error));
        if (error instanceof SluiceConnectionError) this.down.set(address, this.now() + this.unavailableMs);
        if (!lastError.retriable && merged === undefined) throw lastError;
        continue;
      }
      this.down.delete(address);
      merged = merged === undefined ? described : withLeadersOf(merged, described);
      if (!hasLeaderlessPartition(merged)) break;
      this.suspect(address);
    }
    if (merged === undefined) throw lastError ?? new SluiceClientStateError('no broker to ask for metadata');
    this.apply(merged, topics, startedSeq);
  }

  private async describeFrom(address: string, topics: string[]): Promise<Described> {
    const connection = this.pool.get(address);
    const [cluster, described] = await Promise.all([
      connection.call('sluice.v1.Admin', 'describeCluster', {}, this.requestTimeoutMs),
      topics.length === 0
        ? Promise.resolve({ topics: [] as DescribeTopicsResponse['topics'] })
        : connection.call('sluice.v1.Admin', 'describeTopics', { names: topics }, this.requestTimeoutMs),
    ]);
    return { address, cluster, topics: described.topics };
  }

  private apply(described: Described, topics: string[], startedSeq: number): void {
    const { address, cluster } = described;
    for (const broker of cluster.brokers) this.addresses.set(broker.id, `${broker.host}:${broker.port}`);
    this.controller = cluster.controllerId || null;
    for (const topic of topics) {
      const description = described.topics.find((t) => t.name === topic);
      if (!description) {
        this.topicErrors.set(topic, new SluiceTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, `broker ${address} did not describe it`));
        this.topics.delete(topic);
      } else if (description.errorCode !== ErrorCode.NONE) {
        this.topicErrors.set(topic, new SluiceTopicError(description.errorCode, topic, description.errorMessage));
        this.topics.delete(topic);
        this.wanted.delete(topic);
      } else if (description.partitions.length === 0) {
        this.topicErrors.set(topic, new SluiceTopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topic, 'the topic has no partitions'));
        this.topics.delete(topic);
      } else {
        const partitions: PartitionMetadata[] = [];
        for (const p of description.partitions) partitions[p.partition] = { leaderId: p.leaderId || null, replicas: [...p.replicas] };
        for (let i = 0; i < partitions.length; i++) partitions[i] ??= { leaderId: null, replicas: [] };
        this.topics.set(topic, partitions);
        if (description.topicId) this.topicIds.set(topic, description.topicId);
        this.topicErrors.delete(topic);
      }
    }
    // Hints noted before this refresh started are superseded by what it learned.
    for (const [key, hint] of this.hints) if (hint.seq <= startedSeq) this.hints.delete(key);
    this.refreshedAtMs = this.now();
  }

  /** Bootstrap brokers first, then brokers learned from DescribeCluster. */
  private candidates(): string[] {
    const all = [...this.bootstrap];
    for (const address of this.addresses.values()) if (!all.includes(address)) all.push(address);
    return all;
  }

  /** Live brokers from the current one on (suspected ones last), then the avoided ones. */
  private refreshOrder(): string[] {
    const candidates = this.candidates();
    const rotated = candidates.map((_, i) => candidates[(this.cursor + i) % candidates.length]!);
    const now = this.now();
    const suspected = (a: string): boolean => (this.suspects.get(a) ?? 0) > now;
    const live = rotated.filter((a) => !this.isDown(a));
    return [...live.filter((a) => !suspected(a)), ...live.filter(suspected), ...rotated.filter((a) => this.isDown(a))];
  }

  private isDown(address: string): boolean {
    const until = this.down.get(address);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.down.delete(address);
    return false;
  }
}

/** One broker's answer to a refresh: the cluster it knows and the topics asked for. */
interface Described {
  readonly address: string;
  readonly cluster: DescribeClusterResponse;
  readonly topics: DescribeTopicsResponse['topics'];
}


function hasLeaderlessPartition(described: Described): boolean {
  return described.topics.some((t) => t.errorCode === ErrorCode.NONE && t.partitions.some((p) => !p.leaderId));
}

/**
 * `base` with each partition taken from `other` where `other` names a leader and `base` names
 * none or one of an older epoch (a later answer can only add leaders, never remove one).
 */
function withLeadersOf(base: Described, other: Described): Described {
  const topics = base.topics.map((topic): TopicDescription => {
    // Only leaders of the same topic (same id), never a topic the first answer did not have:
    // a lagging broker may still describe a deleted topic, or the one it was re-created as.
    const theirs = other.topics.find((t) => t.name === topic.name && t.errorCode === ErrorCode.NONE && t.topicId === topic.topicId);
    if (theirs === undefined || topic.errorCode !== ErrorCode.NONE) return topic;
    const partitions = topic.partitions.map((p) => {
      const q = theirs.partitions.find((x) => x.partition === p.partition);
      const better = q !== undefined && q.leaderId !== 0 && (p.leaderId === 0 || Number(q.leaderEpoch) > Number(p.leaderEpoch));
      return better ? q : p;
    });
    return { ...topic, partitions };
  });
  return { address: base.address, cluster: other.cluster.brokers.length > base.cluster.brokers.length ? other.cluster : base.cluster, topics };
}
