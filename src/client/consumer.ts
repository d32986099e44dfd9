// The consumer: manual assignment or group membership (subscribe: the broker assigns partitions,
// consumer-membership.ts), seek, an async iterator and run({ eachRecord, eachBatch }), group
// offset commits (fenced by the member epoch when subscribed). Positions follow what the
// application has been handed; fetching runs one round ahead (see consumer-fetcher.ts).
import { ErrorCode } from '../common/errors';
import { partitionKey, type TopicPartition } from '../common/ids';
import type { ClientContext } from './client-context';
import { Fetcher } from './consumer-fetcher';
import { GroupMembership, type MembershipCallbacks } from './consumer-membership';
import { PartitionCursor } from './partition-cursor';
import { PausedPartitions, type TopicPartitions } from './consumer-pauses';
import { partitionError, SluiceClientStateError } from './errors';
import { callLeaders } from './leader-requests';
import { sleep } from './retry';
import { moduleLogger } from '../common/logger';
import type { ConsumedBatch, ConsumedRecord, ConsumerOptions, SeekTarget, SubscribeOptions, TopicPartitionOffset } from './types';

const log = moduleLogger('consumer');

/**
 * Kafka's max.partition.fetch.bytes. Larger was slower, not faster: each push is a buffer the
 * consumer thread allocates fresh (page faults) and the GC then collects; consuming 1M × 100 B
 * from the start ran at 912k records/s with 1 MiB, 523k with 2 MiB, 372k with 8 MiB.
 */
const DEFAULT_MAX_BYTES_PER_PARTITION = 1024 * 1024;

const EARLIEST = -2;
const LATEST = -1;

export interface RunOptions {
  eachRecord?: (record: ConsumedRecord) => Promise<void> | void;
  eachBatch?: (batch: ConsumedBatch) => Promise<void> | void;
}

export class Consumer implements AsyncIterable<ConsumedRecord> {
  private readonly groupId: string | undefined;
  private readonly autoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly fetcher: Fetcher;
  private readonly cursors = new Map<string, PartitionCursor>();
  private readonly pendingTopics = new Set<string>();
  private readonly pauses = new PausedPartitions();
  private prefetch: Promise<ConsumedBatch[]> | undefined;
  /** The generation of its cursor when a batch was fetched: a seek or resume since makes it stale. */
  private readonly fetchedAt = new WeakMap<ConsumedBatch, number>();
  private connected = false;
  private closed = false;
  private running = false;
  private stopping = false;
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private lastCommitted = new Map<string, number>();
  private subscription: SubscribeOptions | undefined;
  /** While run() or the iterator runs with a subscription: the group membership. */
  private membership: GroupMembership | undefined;
  /** Settles when the handler being run (if any) finishes: a revocation waits for it. */
  private handling: Promise<void> = Promise.resolve();

  constructor(private readonly context: ClientContext, options: ConsumerOptions = {}) {
    this.groupId = options.groupId;
    this.autoCommit = options.autoCommit ?? false;
    this.autoCommitIntervalMs = options.autoCommitIntervalMs ?? 5_000;
    this.maxWaitMs = options.maxWaitMs ?? 500;
    if (this.autoCommit && !this.groupId) throw new SluiceClientStateError('autoCommit needs a groupId: pass consumer({ groupId, autoCommit: true })');
    this.fetcher = new Fetcher(context, {
      delivery: options.delivery ?? 'push',
      maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
      maxBytesPerPartition: options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      maxWaitMs: this.maxWaitMs,
      autoOffsetReset: options.autoOffsetReset ?? 'error',
      checkCrcs: options.checkCrcs ?? true,
    });
  }

  async connect(): Promise<void> {
    if (this.closed) throw new SluiceClientStateError('the consumer is disconnected: create a new one');
    this.connected = true;
  }

  /**
   * Joins the consumer's group when run() or the iterator starts, and reads the partitions the
   * broker assigns (KIP-848: server-side assignment, partitions revoked before they move); leaves
   * the group when it stops. Not combined with assign().
   */
  subscribe(options: SubscribeOptions): void {
    this.requireGroup('subscribe');
    if ((options.topics ?? []).length === 0 && (options.pattern ?? '') === '') {
      throw new SluiceClientStateError('subscribe() needs topics and/or a pattern: subscribe({ topics: ["orders"] }) or subscribe({ pattern: "orders-.*" })');
    }
    if (this.subscription) throw new SluiceClientStateError('the consumer is already subscribed: create another consumer for another subscription');
    if (this.cursors.size > 0 || this.pendingTopics.size > 0) throw new SluiceClientStateError('subscribe() cannot follow assign(): a consumer either assigns its partitions or lets its group assign them');
    this.subscription = options;
  }

  /** Assigns partitions (added to any already assigned); `{ topic }` means all its partitions. */
  assign(partitions: readonly TopicPartition[] | { topic: string }): void {
    if (this.subscription) throw new SluiceClientStateError('assign() cannot follow subscribe(): a consumer either assigns its partitions or lets its group assign them');
    if (!Array.isArray(partitions)) {
      this.pendingTopics.add((partitions as { topic: string }).topic);
      return;
    }
    for (const tp of partitions as readonly TopicPartition[]) this.cursor(tp);
  }

  /** The partitions assigned so far (topics given as `{ topic }` appear once resolved). */
  assignment(): TopicPartition[] {
    return [...this.cursors.values()].map((c) => ({ topic: c.topic, partition: c.partition }));
  }

  /**
   * Stops fetching and handing out records of these partitions (`partitions` omitted: the whole
   * topic, including partitions assigned later) until resume(); a batch being handed out stops at
   * the next record. They stay assigned: a group member keeps them and keeps heartbeating.
   */
  pause(partitions: readonly TopicPartitions[]): void {
    this.pauses.pause(partitions);
  }

  /** Resumes paused partitions from the next record not handed out yet. */
  resume(partitions: readonly TopicPartitions[]): void {
    const before = this.pauses.pausedKeys(this.cursors.values());
    this.pauses.resume(partitions);
    for (const cursor of this.cursors.values()) {
      // Fetched ahead while paused and not handed out: read again from the position.
      if (before.has(cursor.key) && !this.pauses.isPaused(cursor) && cursor.position !== undefined) cursor.seekTo(cursor.position);
    }
  }

  /** What pause() paused and resume() did not resume yet. */
  paused(): TopicPartitions[] {
    return this.pauses.list();
  }

  /** Sets where the next read of a partition starts (assigning it if needed). */
  async seek(target: TopicPartition & { offset: SeekTarget }): Promise<void> {
    const cursor = this.cursor(target);
    const offset = await this.resolveOffset(cursor, target.offset);
    cursor.seekTo(offset);
  }

  /** Positions (next offset to be handed to the application) of the assigned partitions. */
  positions(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const c of this.cursors.values()) if (c.position !== undefined) out.push({ topic: c.topic, partition: c.partition, offset: c.position });
    return out;
  }

  /** Commits `offsets` (next offset to read) for the group; by default the current positions. */
  async commit(offsets?: readonly TopicPartitionOffset[]): Promise<void> {
    const groupId = this.requireGroup('commit');
    const list = offsets ?? this.positions();
    if (list.length === 0) return;
    const response = await this.context.callGroups(
      'commitOffsets',
      // Without a membership (assign() mode) the commit is accepted only while the group has no members.
      {
        groupId,
        // Each with the id of the topic its position was read in: a topic re-created meanwhile refuses it.
        partitions: list.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: '', topicId: this.cursors.get(partitionKey(o))?.topicId ?? '' })),
        memberId: this.membership?.memberId ?? '',
        memberEpoch: this.membership?.memberEpoch ?? 0,
      },
    );
    for (const p of response.partitions) {
      // The next round reads a re-created topic from its start once the refresh brings its id.
      if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_ID) this.context.metadata.forgetTopic(p.topic);
      if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
    }
    for (const o of list) this.lastCommitted.set(partitionKey(o), o.offset);
  }

  /** The group's committed offsets for `partitions` (-1 where none). */
  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const groupId = this.requireGroup('committed');
    const response = await this.context.callGroups(
      'fetchOffsets', { groupId, partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition })) },
    );
    return response.partitions.map((p) => {
      if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
      return { topic: p.topic, partition: p.partition, offset: p.offset };
    });
  }

  /** Records one by one; positions advance as records are handed out. Ends on stop(). */
  async *[Symbol.asyncIterator](): AsyncIterator<ConsumedRecord> {
    this.begin();
    try {
      while (!this.stopping) {
        for (const batch of await this.nextRound()) {
          const cursor = this.cursors.get(partitionKey(batch));
          if (cursor === undefined || !this.current(batch, cursor)) continue;
          const generation = cursor.generation;
          for (const record of batch.records) {
            if (this.stopping || cursor.generation !== generation || this.pauses.isPaused(cursor)) break;
            cursor.position = record.offset + 1;
            yield record;
          }
        }
      }
    } finally {
      await this.end();
    }
  }

  /** Runs handlers until stop() or a handler throws (then rejects). Positions advance after each handler. */
  async run(handlers: RunOptions): Promise<void> {
    if (!handlers.eachBatch && !handlers.eachRecord) throw new SluiceClientStateError('run() needs eachRecord or eachBatch');
    this.begin();
    try {
      while (!this.stopping) {
        for (const batch of await this.nextRound()) {
          // Revoked, paused, sought or resumed since it was fetched: no record of it is handed out.
          const cursor = this.cursors.get(partitionKey(batch));
          if (cursor === undefined || !this.current(batch, cursor)) continue;
          const generation = cursor.generation;
          if (this.stopping) break;
          if (handlers.eachBatch) {
            const eachBatch = handlers.eachBatch;
            await this.handle(() => eachBatch(batch));
            if (cursor.generation === generation) cursor.position = batch.records[batch.records.length - 1]!.offset + 1;
          }
          if (handlers.eachRecord) {
            const eachRecord = handlers.eachRecord;
            for (const record of batch.records) {
              if (this.stopping || cursor.generation !== generation || this.pauses.isPaused(cursor)) break;
              await this.handle(() => eachRecord(record));
              if (cursor.generation === generation) cursor.position = record.offset + 1;
            }
          }
        }
      }
    } finally {
      await this.end();
    }
  }

  /** Ends the iterator or run() loop after the record being processed. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.fetcher.cancelAll();
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    if (this.autoCommit && !this.running) await this.commitIfChanged();
    this.closed = true;
    this.context.forget(this);
  }

  // -------------------------------------------------------------------------------------------

  private begin(): void {
    if (!this.connected || this.closed) throw new SluiceClientStateError('the consumer is not connected: await consumer.connect() first');
    if (this.running) throw new SluiceClientStateError('the consumer is already running: one iterator or run() at a time');
    this.running = true;
    this.stopping = false;
    if (this.autoCommit) {
      this.autoCommitTimer = setInterval(() => void this.commitIfChanged().catch(() => {}), this.autoCommitIntervalMs);
    }
    if (this.subscription) {
      this.membership = new GroupMembership(this.context, this.groupId!, { topics: this.subscription.topics ?? [], pattern: this.subscription.pattern ?? '' }, this.groupCallbacks(this.subscription), this.subscription.instanceId ?? '');
      this.membership.start();
    }
  }

  private groupCallbacks(subscription: SubscribeOptions): MembershipCallbacks {
    return {
      assign: async (partitions) => {
        for (const tp of partitions) this.cursor(tp);
        await subscription.onAssigned?.(partitions);
      },
      revoke: async (partitions) => {
        const dropped = this.dropCursors(partitions);
        await this.handling;
        if (this.autoCommit) {
          const positions = dropped.filter((c) => c.position !== undefined && this.lastCommitted.get(c.key) !== c.position);
          if (positions.length > 0) await this.commit(positions.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.position! })));
        }
        await subscription.onRevoked?.(partitions);
      },
      lose: async (partitions) => {
        this.dropCursors(partitions);
        await this.handling;
        await subscription.onLost?.(partitions);
      },
    };
  }

  /** Stops handing out records of `partitions` (a batch in hand stops at the next record). */
  private dropCursors(partitions: readonly TopicPartition[]): PartitionCursor[] {
    const dropped: PartitionCursor[] = [];
    for (const tp of partitions) {
      const cursor = this.cursors.get(partitionKey(tp));
      if (cursor === undefined) continue;
      cursor.retire();
      this.cursors.delete(cursor.key);
      dropped.push(cursor);
    }
    return dropped;
  }

  /** Runs one application handler, remembered in `handling` until it settles. */
  private async handle(handler: () => Promise<void> | void): Promise<void> {
    const done = (async () => handler())();
    this.handling = done.then(() => undefined, () => undefined);
    await done;
  }

  private async end(): Promise<void> {
    this.stopping = true;
    this.fetcher.cancelAll();
    if (this.autoCommitTimer) clearInterval(this.autoCommitTimer);
    this.autoCommitTimer = undefined;
    // Prefetched records were not handed out: the next run fetches again from the positions.
    this.prefetch = undefined;
    for (const cursor of this.cursors.values()) if (cursor.position !== undefined) cursor.seekTo(cursor.position);
    try {
      if (this.autoCommit) await this.commitIfChanged();
    } finally {
      // Committed (above) while still a member; then leave, so the partitions move at once.
      await this.membership?.leave();
      if (this.membership) this.cursors.clear();
      this.membership = undefined;
      this.running = false;
    }
  }

  private async commitIfChanged(): Promise<void> {
    const changed = this.positions().filter((p) => this.lastCommitted.get(partitionKey(p)) !== p.offset);
    if (changed.length > 0) await this.commit(changed);
  }

  /** True if the batch may be handed out: its partition is not paused and not sought or resumed since it was fetched. */
  private current(batch: ConsumedBatch, cursor: PartitionCursor): boolean {
    return this.fetchedAt.get(batch) === cursor.generation && !this.pauses.isPaused(cursor);
  }

  /** The next round of batches; starts the following fetch before returning (pipelining). */
  private async nextRound(): Promise<ConsumedBatch[]> {
    if (this.membership?.failure) throw this.membership.failure;
    const round = this.prefetch ?? this.startRound();
    this.prefetch = undefined;
    let batches: ConsumedBatch[];
    try {
      batches = await round;
    } catch (error) {
      if (this.stopping) return [];
      throw error;
    }
    if (!this.stopping) this.prefetch = this.startRound();
    return batches;
  }

  private startRound(): Promise<ConsumedBatch[]> {
    const round = (async () => {
      this.restartRecreatedTopics();
      await this.resolveAssignment();
      const cursors = [...this.cursors.values()].filter((c) => c.fetchOffset !== undefined && !this.pauses.isPaused(c));
      if (cursors.length === 0) {
        await sleep(this.maxWaitMs);
        return [];
      }
      const batches = await this.fetcher.round(cursors);
      for (const batch of batches) this.fetchedAt.set(batch, this.cursors.get(partitionKey(batch))?.generation ?? -1);
      return batches;
    })();
    round.catch(() => {}); // observed by nextRound; avoid an unhandled rejection meanwhile
    return round;
  }

  /**
   * A topic deleted and re-created under the same name is another topic (a new topic id): a
   * position in the old one means nothing there, so its partitions are read again from the new
   * topic's start (every record in it came after the deletion). Noticed with the next metadata
   * refresh, which a deletion's UNKNOWN_TOPIC_OR_PARTITION answers start at once; a re-creation
   * between two fetches is noticed within metadataMaxAgeMs, and what was read of it meanwhile is
   * read again (docs/client.md).
   */
  private restartRecreatedTopics(): void {
    for (const cursor of this.cursors.values()) {
      const current = this.context.metadata.topicIdOf(cursor.topic);
      if (current === undefined || cursor.topicId === current) continue;
      const previous = cursor.topicId;
      cursor.topicId = current;
      if (previous === undefined) continue;
      log.warn({ topic: cursor.topic, partition: cursor.partition, previous, current }, `${cursor.key} belongs to a re-created topic (id ${previous} → ${current}): reading it from its start`);
      this.lastCommitted.delete(cursor.key);
      cursor.restart();
    }
  }

  private async resolveAssignment(): Promise<void> {
    for (const topic of [...this.pendingTopics]) {
      const count = await this.context.withRetries(() => this.context.metadata.partitionCount(topic, true));
      for (let partition = 0; partition < count; partition++) this.cursor({ topic, partition });
      this.pendingTopics.delete(topic);
    }
    const unresolved = [...this.cursors.values()].filter((c) => c.fetchOffset === undefined);
    if (unresolved.length === 0) return;
    const committed = new Map<string, number>();
    if (this.groupId) {
      for (const c of await this.committed(unresolved)) if (c.offset >= 0) committed.set(partitionKey(c), c.offset);
      // What the group has committed now, not what this consumer committed before: the partition
      // may be another topic's of the same name (deleted and re-created: its commits are not
      // answered), or have been committed by another member meanwhile.
      for (const c of unresolved) {
        const offset = committed.get(c.key);
        if (offset === undefined) this.lastCommitted.delete(c.key);
        else this.lastCommitted.set(c.key, offset);
      }
    }
    const needEarliest = unresolved.filter((c) => !committed.has(c.key));
    const start = (c: PartitionCursor): number => (this.subscription?.noCommittedOffset === 'latest' && !c.fromStart ? LATEST : EARLIEST);
    const earliest = await this.listOffsets(needEarliest.map((c) => ({ topic: c.topic, partition: c.partition, timestampMs: start(c) })));
    for (const cursor of unresolved) {
      if (cursor.fetchOffset !== undefined) continue; // sought meanwhile
      cursor.seekTo(committed.get(cursor.key) ?? earliest.get(cursor.key)!);
      cursor.fromStart = false;
    }
  }

  private async resolveOffset(cursor: PartitionCursor, target: SeekTarget): Promise<number> {
    if (typeof target === 'number') {
      if (!Number.isSafeInteger(target) || target < 0) throw new SluiceClientStateError(`cannot seek to offset ${target}: use an integer >= 0, 'earliest', 'latest' or { timestamp }`);
      return target;
    }
    const timestampMs = target === 'earliest' ? EARLIEST : target === 'latest' ? LATEST : target.timestamp;
    const found = await this.listOffsets([{ topic: cursor.topic, partition: cursor.partition, timestampMs }]);
    const offset = found.get(cursor.key)!;
    if (offset >= 0) return offset;
    // No record at or after that timestamp: start at the end.
    return (await this.listOffsets([{ topic: cursor.topic, partition: cursor.partition, timestampMs: LATEST }])).get(cursor.key)!;
  }

  private async listOffsets(partitions: { topic: string; partition: number; timestampMs: number }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (partitions.length === 0) return out;
    const answers = await callLeaders(
      this.context, 'listOffsets', partitions,
    );
    for (const p of answers) {
      if (p.errorCode !== ErrorCode.NONE) throw partitionError(p.errorCode, p.topic, p.partition, p.errorMessage);
      out.set(partitionKey(p), p.offset);
    }
    return out;
  }

  private cursor(tp: TopicPartition): PartitionCursor {
    const key = partitionKey(tp);
    let cursor = this.cursors.get(key);
    if (!cursor) {
      cursor = new PartitionCursor(tp.topic, tp.partition);
      this.cursors.set(key, cursor);
    }
    return cursor;
  }

  private requireGroup(operation: string): string {
    if (!this.groupId) throw new SluiceClientStateError(`${operation}() needs a consumer group: create the consumer with { groupId }`);
    return this.groupId;
  }
}
