// The host of the consumer-group coordinators (coordinator/consumer-group.ts, a pure state
// machine) on this broker: a group lives on the broker that leads its __consumer_offsets
// partition, beside its committed offsets (docs/consumer-groups.md, "The host"). The host
//  - feeds each group its inputs one at a time, in arrival order (a FIFO queue per group: a
//    member's heartbeats reach the core in the order it sent them, and an offset commit is fenced
//    against the state every earlier input left);
//  - appends the records an input returns (acks=all) before it answers: durable before
//    acknowledged; if the append fails, the partition's state is dropped and replayed from the log;
//  - restores groups from the partition's records after a leadership change (lazily, on first use
//    or on the next tick), with every session timer restarted;
//  - ticks session and rebalance timeouts, and tells groups about topic changes.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock';
import { ErrorCode } from '../common/errors';
import { moduleLogger } from '../common/logger';
import { checkOffsetCommit } from './coordinator/commit-fencing';
import type { ConsumerGroupOptions } from './coordinator/config';
import { ConsumerGroup, type ConsumerGroupSnapshot, type ConsumerGroupState } from './coordinator/consumer-group';
import { consumerGroupError, type ConsumerGroupError } from './coordinator/errors';
import type { HeartbeatRequest } from './coordinator/heartbeat-request';
import type { TopicMetadata, TopicPartitions } from './coordinator/partition-key';
import type { ConsumerGroupRecord } from './coordinator/records';
import { re2Engine } from './coordinator/re2-engine';
import { restoreConsumerGroup } from './coordinator/restore';
import { isInternalTopic } from './coordinator/subscription';
import type { CommitOutcome, CommittedOffset, ConsumerGroupOffsets, LoadedPartition, OffsetToCommit } from './consumer-group-offsets';

export interface CoordinatorSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxSize: number;
}

export type Refusal = { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export type HostedHeartbeatResult =
  | { readonly ok: true; readonly memberId: string; readonly memberEpoch: number; readonly heartbeatIntervalMs: number; readonly assignment: readonly TopicPartitions[] }
  | Refusal;

/** A consumer group as DescribeGroups shows it; `snapshot` is undefined for a group with committed offsets only. */
export interface GroupDescription {
  readonly state: ConsumerGroupState;
  readonly assignor: string;
  readonly snapshot: ConsumerGroupSnapshot | undefined;
  readonly offsets: readonly (CommittedOffset & { topic: string; partition: number })[];
}

/** What /metrics shows of a group this broker coordinates. */
export interface ConsumerGroupGauges {
  readonly groupId: string;
  readonly state: ConsumerGroupState;
  readonly groupEpoch: number;
  readonly memberCount: number;
  /** Group epochs this broker raised as the group's coordinator since it started (each starts a rebalance). */
  readonly rebalances: number;
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: number }[];
}

export interface ListedConsumerGroup {
  readonly groupId: string;
  readonly state: ConsumerGroupState;
  readonly memberCount: number;
}

export class ConsumerGroupCoordinators {
  private readonly logger;
  /** groupId → the tail of its input queue (never rejects). */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** RE2 for subscription patterns (linear time), its compiled patterns shared by every group here. */
  private readonly regexEngine = re2Engine();
  /** Raised on every topic change; a group told of an older version is updated before its next input. */
  private topicsVersion = 0;
  private topics: TopicMetadata | undefined;
  private readonly toldVersion = new WeakMap<ConsumerGroup, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** groupId → rebalances started here (group-epoch records written), for /metrics. */
  private readonly rebalances = new Map<string, number>();

  constructor(
    private readonly offsets: ConsumerGroupOffsets,
    private readonly settings: CoordinatorSettings,
    /** The non-internal topics and their partition counts, as the metadata holds them now. */
    private readonly listTopics: () => TopicMetadata,
    private readonly clock: Clock,
    nodeId: number,
  ) {
    this.logger = moduleLogger('consumer-groups', { node: nodeId });
  }

  /** Ticks every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      if (this.ticking) return;
      this.ticking = true;
      this.tick()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'consumer group tick failed'))
        .finally(() => (this.ticking = false));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Topics were created, deleted or grown. */
  topicsChanged(): void {
    this.topicsVersion++;
    this.topics = undefined;
  }

  /** Throws NotCoordinatorError unless this broker coordinates the group. */
  heartbeat(groupId: string, request: HeartbeatRequest): Promise<HostedHeartbeatResult> {
    return this.serial(groupId, async () => {
      const loaded = await this.offsets.loadedFor(groupId);
      const existing = this.coordinatorOf(loaded, groupId);
      const group = existing ?? this.newGroup(groupId);
      const records = this.tellTopics(group);
      const output = group.heartbeat(request, this.clock.nowMs());
      records.push(...output.records);
      const written = await this.persist(loaded, groupId, records);
      if (!written.ok) return written;
      if (existing === undefined && records.length > 0) loaded.coordinators.set(groupId, group);
      return output.result.ok ? output.result : refusal(output.result.error);
    });
  }

  /** Fences each offset (coordinator/commit-fencing.ts), then commits those accepted. Throws NotCoordinatorError. */
  commit(groupId: string, memberId: string, memberEpoch: number, offsets: readonly OffsetToCommit[]): Promise<CommitOutcome[]> {
    return this.serial(groupId, async () => {
      const group = this.coordinatorOf(await this.offsets.loadedFor(groupId), groupId);
      const verdicts: CommitOutcome[] = offsets.map((o) => {
        const error = group
          ? checkOffsetCommit(group, { memberId, memberEpoch, topic: o.topic, partition: o.partition })
          : memberId === ''
            ? null
            : consumerGroupError('UNKNOWN_MEMBER_ID', `member ${memberId} is not in consumer group ${groupId} (it has no members): join with a heartbeat first, or commit without a member id`);
        return error === null ? { ok: true } : refusal(error);
      });
      const accepted = offsets.filter((_, i) => verdicts[i]!.ok);
      if (accepted.length === 0) return verdicts;
      const outcome = await this.offsets.commit(groupId, accepted);
      return verdicts.map((v) => (v.ok ? outcome : v));
    });
  }

  /** undefined when the group has neither members nor committed offsets. Throws NotCoordinatorError. */
  describe(groupId: string): Promise<GroupDescription | undefined> {
    return this.serial(groupId, async () => {
      const group = this.coordinatorOf(await this.offsets.loadedFor(groupId), groupId);
      const offsets = await this.offsets.fetch(groupId, []);
      if (group === undefined && offsets.length === 0) return undefined;
      return { state: group?.state() ?? 'empty', assignor: group?.assignorName() ?? '', snapshot: group?.snapshot(), offsets };
    });
  }

  /** Deletes an empty group with its committed offsets; null when done. Throws NotCoordinatorError. */
  delete(groupId: string): Promise<Refusal | null> {
    return this.serial(groupId, async () => {
      const loaded = await this.offsets.loadedFor(groupId);
      const group = this.coordinatorOf(loaded, groupId);
      const offsets = await this.offsets.fetch(groupId, []);
      if (group === undefined && offsets.length === 0) return { ok: false, code: ErrorCode.GROUP_ID_NOT_FOUND, message: `consumer group ${groupId} does not exist (no members, no committed offsets)` };
      const deleted = group?.delete() ?? { result: null, records: [] };
      if (deleted.result !== null) return refusal(deleted.result);
      const written = await this.persist(loaded, groupId, deleted.records, offsets.map((o) => ({ groupId, topic: o.topic, partition: o.partition })));
      if (!written.ok) return written;
      loaded.coordinators.delete(groupId);
      this.logger.info({ group: groupId }, `consumer group ${groupId} deleted`);
      return null;
    });
  }

  /** The groups of every offsets partition this broker leads. */
  async list(): Promise<ListedConsumerGroup[]> {
    const listed: ListedConsumerGroup[] = [];
    for (const loaded of await this.offsets.ledPartitions()) {
      for (const groupId of [...loaded.unrestored.keys()]) this.coordinatorOf(loaded, groupId);
      const ids = new Set([...loaded.coordinators.keys(), ...loaded.groups.keys()]);
      for (const groupId of ids) {
        const group = loaded.coordinators.get(groupId);
        listed.push({ groupId, state: group?.state() ?? 'empty', memberCount: group?.memberCount() ?? 0 });
      }
    }
    return listed.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** The groups of the partitions loaded now (restored ones and those with offsets only), without I/O: for /metrics. */
  gauges(): ConsumerGroupGauges[] {
    const out: ConsumerGroupGauges[] = [];
    for (const loaded of this.offsets.loadedPartitions()) {
      for (const groupId of new Set([...loaded.coordinators.keys(), ...loaded.groups.keys()])) {
        const group = loaded.coordinators.get(groupId);
        const offsets = [...(loaded.groups.get(groupId)?.values() ?? [])].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset }));
        out.push({ groupId, state: group?.state() ?? 'empty', groupEpoch: group?.snapshot().groupEpoch ?? 0, memberCount: group?.memberCount() ?? 0, rebalances: this.rebalances.get(groupId) ?? 0, offsets });
      }
    }
    return out;
  }

  /**
   * Expires sessions and rebalance timeouts in every group this broker coordinates (restoring
   * groups not touched since a takeover), then snapshots the offsets partitions that are due.
   */
  async tick(): Promise<void> {
    const ticks: Promise<void>[] = [];
    const led = await this.offsets.ledPartitions();
    for (const loaded of led) {
      for (const groupId of [...loaded.unrestored.keys()]) this.coordinatorOf(loaded, groupId);
      for (const groupId of loaded.coordinators.keys()) ticks.push(this.serial(groupId, () => this.tickGroup(loaded, groupId)));
    }
    await Promise.all(ticks);
    for (const loaded of led) {
      const snapshotOffset = await this.offsets.snapshotIfDue(loaded);
      if (snapshotOffset !== undefined) this.logger.info({ partition: loaded.partition, snapshotOffset }, `offsets partition ${loaded.partition}: state snapshot as of offset ${snapshotOffset} written`);
    }
  }

  private async tickGroup(loaded: LoadedPartition, groupId: string): Promise<void> {
    const group = loaded.coordinators.get(groupId);
    // The partition was reloaded (or the group deleted) while this tick waited in the queue.
    if (group === undefined) return;
    const records = this.tellTopics(group);
    const output = group.tick(this.clock.nowMs());
    records.push(...output.records);
    const { expired, fenced } = output.result;
    if (expired.length > 0) this.logger.info({ group: groupId, members: expired }, `consumer group ${groupId}: session expired for ${expired.length} member(s)`);
    if (fenced.length > 0) this.logger.info({ group: groupId, members: fenced }, `consumer group ${groupId}: ${fenced.length} member(s) fenced for not revoking within the rebalance timeout`);
    await this.persist(loaded, groupId, records);
  }

  /** The group's coordinator in `loaded`, restoring it from the replayed records on first use; undefined if none. */
  private coordinatorOf(loaded: LoadedPartition, groupId: string): ConsumerGroup | undefined {
    const group = loaded.coordinators.get(groupId);
    if (group !== undefined) return group;
    const records = loaded.unrestored.get(groupId);
    if (records === undefined) return undefined;
    loaded.unrestored.delete(groupId);
    const restored = restoreConsumerGroup(groupId, records, this.groupOptions(), this.currentTopics(), this.clock.nowMs());
    this.toldVersion.set(restored, this.topicsVersion);
    // A deleted group is gone: a later join starts a new one.
    if (restored.state() === 'dead' || restored.snapshot().groupEpoch === 0) return undefined;
    loaded.coordinators.set(groupId, restored);
    this.logger.info({ group: groupId, members: restored.memberCount(), groupEpoch: restored.snapshot().groupEpoch }, `consumer group ${groupId} restored from offsets partition ${loaded.partition}`);
    return restored;
  }

  private newGroup(groupId: string): ConsumerGroup {
    const group = new ConsumerGroup(groupId, this.groupOptions(), this.currentTopics());
    this.toldVersion.set(group, this.topicsVersion);
    return group;
  }

  private groupOptions(): ConsumerGroupOptions {
    return { sessionTimeoutMs: this.settings.sessionTimeoutMs, heartbeatIntervalMs: this.settings.heartbeatIntervalMs, maxSize: this.settings.maxSize, newMemberId: randomUUID, regexEngine: this.regexEngine };
  }

  private currentTopics(): TopicMetadata {
    return (this.topics ??= new Map([...this.listTopics()].filter(([name]) => !isInternalTopic(name))));
  }

  /** Tells the group of topic changes since it was last told; returns the records that produced. */
  private tellTopics(group: ConsumerGroup): ConsumerGroupRecord[] {
    if (this.toldVersion.get(group) === this.topicsVersion) return [];
    this.toldVersion.set(group, this.topicsVersion);
    return [...group.updateTopics(this.currentTopics()).records];
  }

  private async persist(loaded: LoadedPartition, groupId: string, records: readonly ConsumerGroupRecord[], offsetTombstones: readonly { groupId: string; topic: string; partition: number }[] = []): Promise<{ ok: true } | Refusal> {
    if (records.length === 0 && offsetTombstones.length === 0) return { ok: true };
    const written = await this.offsets.appendConsumerGroupRecords(loaded, records, offsetTombstones);
    if (written.ok) {
      // A group-epoch record (one per input at most) is a raised group epoch: a new target assignment.
      const raised = records.filter((r) => r.kind === 'group-epoch').length;
      if (raised > 0) this.rebalances.set(groupId, (this.rebalances.get(groupId) ?? 0) + raised);
      return written;
    }
    const code = written.code === ErrorCode.NOT_LEADER || written.code === ErrorCode.NOT_COORDINATOR ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return { ok: false, code, message: `consumer group ${groupId}: its state change could not be made durable (${written.message}); nothing was acknowledged, retry` };
  }

  /** Runs `input` after every earlier input of the group has finished. */
  private serial<T>(groupId: string, input: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(groupId) ?? Promise.resolve();
    const run = previous.then(input);
    const tail = run.catch(() => undefined);
    this.queues.set(groupId, tail);
    void tail.then(() => {
      if (this.queues.get(groupId) === tail) this.queues.delete(groupId);
    });
    return run;
  }
}

function refusal(error: ConsumerGroupError): Refusal {
  const code: keyof typeof ErrorCode = error.code;
  return { ok: false, code: ErrorCode[code], message: error.message };
}
