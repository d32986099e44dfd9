// One consumer group's coordinator as a pure, deterministic state machine (KIP-848), in the
// style of src/raft: inputs are heartbeats, ticks carrying the clock value, and topic metadata;
// every input returns its answer plus the records to append to __consumer_offsets (only when
// durable state changed). No timers, clocks, I/O or randomness inside. See docs/consumer-groups.md.
import { resolveConsumerGroupOptions, type ConsumerGroupOptions, type ResolvedConsumerGroupOptions } from './config';
import { consumerGroupError, type ConsumerGroupError } from './errors';
import { JOIN_EPOCH, LEAVE_EPOCH, STATIC_LEAVE_EPOCH, validateHeartbeat, type HeartbeatRequest, type ValidHeartbeat } from './heartbeat-request';
import { EMPTY_ASSIGNMENT, heldPartitions, reconcile, sameAssignment, type ConsumerGroupMember, type MemberAssignment } from './member';
import { listOf, type PartitionKey, type TopicMetadata, type TopicPartitions } from './partition-key';
import { currentRecord, subscriptionRecord, targetRecord } from './record-builders';
import type { ConsumerGroupRecord } from './records';
import { sameSubscription } from './subscription';
import { chooseAssignor, computeTargetAssignment, resolveMembers, subscribedTopicCounts } from './target-assignment';

export type ConsumerGroupState = 'empty' | 'assigning' | 'reconciling' | 'stable' | 'dead';

export type HeartbeatResult =
  | { readonly ok: true; readonly memberId: string; readonly memberEpoch: number; readonly heartbeatIntervalMs: number; readonly assignment: readonly TopicPartitions[] }
  | { readonly ok: false; readonly error: ConsumerGroupError };

/** An input's answer and the records the host must append (in order) before acting on it. */
export interface Output<T> {
  readonly result: T;
  readonly records: readonly ConsumerGroupRecord[];
}

export interface TickResult {
  /** Members removed because their session expired. */
  readonly expired: readonly string[];
  /** Members removed because they did not revoke within their rebalance timeout. */
  readonly fenced: readonly string[];
}

/** The durable and live state of a consumer group, as its coordinator holds it. */
export interface ConsumerGroupSnapshot {
  readonly groupEpoch: number;
  readonly targetAssignmentEpoch: number;
  readonly subscribedTopics: ReadonlyMap<string, number>;
  readonly members: ReadonlyMap<string, ConsumerGroupMember>;
  readonly target: ReadonlyMap<string, ReadonlySet<PartitionKey>>;
  readonly deleted: boolean;
}

export class ConsumerGroup {
  readonly opts: ResolvedConsumerGroupOptions;
  /** Invariant: targetAssignmentEpoch <= groupEpoch; equal except inside an input or after restore. */
  private groupEpoch: number;
  private targetAssignmentEpoch: number;
  /** Partition counts of the subscribed topics at the last group epoch. */
  private subscribedTopics: Map<string, number>;
  private readonly members: Map<string, ConsumerGroupMember>;
  private readonly target: Map<string, Set<PartitionKey>>;
  /** Invariant: each partition held (assigned or pending revocation) by a member maps to that member, and to no other. */
  private readonly holders = new Map<PartitionKey, string>();
  private readonly sessionDeadlineMs = new Map<string, number>();
  /** Members in unrevoked_partitions → when they are fenced if they still have not revoked. */
  private readonly revocationDeadlineMs = new Map<string, number>();
  private topics: TopicMetadata;
  /** Member id → resolved topics; null when members, subscriptions or topics changed since computed. */
  private resolved: Map<string, string[]> | null = null;
  private deleted: boolean;
  private epochChanged = false;
  private out: ConsumerGroupRecord[] = [];

  /** A coordinator for `groupId`; `restoreFrom` (restore.ts) rebuilds one from its records instead. */
  constructor(readonly groupId: string, options: ConsumerGroupOptions, topics: TopicMetadata, snapshot?: ConsumerGroupSnapshot, nowMs = 0) {
    this.opts = resolveConsumerGroupOptions(options);
    this.topics = topics;
    this.groupEpoch = snapshot?.groupEpoch ?? 0;
    this.targetAssignmentEpoch = snapshot?.targetAssignmentEpoch ?? 0;
    this.subscribedTopics = new Map(snapshot?.subscribedTopics ?? []);
    this.members = new Map(snapshot?.members ?? []);
    this.target = new Map([...(snapshot?.target ?? [])].map(([id, set]) => [id, new Set(set)]));
    this.deleted = snapshot?.deleted ?? false;
    // A new coordinator restarts every timer: members get a full session to find it (KIP-848).
    for (const [id, m] of this.members) {
      for (const key of heldPartitions(m)) this.holders.set(key, id);
      this.sessionDeadlineMs.set(id, nowMs + this.opts.sessionTimeoutMs);
      if (m.state === 'unrevoked_partitions') this.revocationDeadlineMs.set(id, nowMs + m.rebalanceTimeoutMs);
    }
  }

  state(): ConsumerGroupState {
    if (this.deleted) return 'dead';
    if (this.members.size === 0) return 'empty';
    if (this.groupEpoch > this.targetAssignmentEpoch) return 'assigning';
    for (const m of this.members.values()) if (m.memberEpoch !== this.targetAssignmentEpoch || m.state !== 'stable') return 'reconciling';
    return 'stable';
  }

  snapshot(): ConsumerGroupSnapshot {
    return {
      groupEpoch: this.groupEpoch,
      targetAssignmentEpoch: this.targetAssignmentEpoch,
      subscribedTopics: new Map(this.subscribedTopics),
      members: new Map(this.members),
      target: new Map([...this.target].map(([id, set]) => [id, new Set(set)])),
      deleted: this.deleted,
    };
  }

  member(memberId: string): ConsumerGroupMember | undefined {
    return this.members.get(memberId);
  }

  memberCount(): number {
    return this.members.size;
  }

  /** The assignor the next target assignment will use. */
  assignorName(): string {
    return chooseAssignor(this.members.values(), this.opts.defaultAssignor);
  }

  heartbeat(req: HeartbeatRequest, nowMs: number): Output<HeartbeatResult> {
    return this.run(() => this.handleHeartbeat(req, nowMs));
  }

  /** Expires sessions and rebalance timeouts due at `nowMs`. */
  tick(nowMs: number): Output<TickResult> {
    return this.run(() => {
      const due = (deadlines: Map<string, number>): string[] => [...deadlines].filter(([, at]) => at <= nowMs).map(([id]) => id).sort();
      const expired = due(this.sessionDeadlineMs);
      for (const id of expired) this.removeMember(id);
      const fenced = due(this.revocationDeadlineMs);
      for (const id of fenced) this.removeMember(id);
      return { expired, fenced };
    });
  }

  /** New topic metadata (topics created, deleted or grown); a change to subscribed topics raises the group epoch. */
  updateTopics(topics: TopicMetadata): Output<void> {
    return this.run(() => {
      this.topics = topics;
      this.resolved = null;
    });
  }

  /** Deletes an empty consumer group (DeleteGroups); it is dead afterwards. */
  delete(): Output<ConsumerGroupError | null> {
    if (this.deleted) return { result: consumerGroupError('GROUP_ID_NOT_FOUND', `consumer group ${this.groupId} is already deleted`), records: [] };
    if (this.members.size > 0) {
      return { result: consumerGroupError('NON_EMPTY_GROUP', `consumer group ${this.groupId} has ${this.members.size} members: only an empty consumer group can be deleted (stop its members, or wait for their sessions to expire)`), records: [] };
    }
    this.deleted = true;
    const records: ConsumerGroupRecord[] = (['target-epoch', 'subscribed-topics', 'group-epoch'] as const).map((of) => ({ kind: 'tombstone', of, groupId: this.groupId, memberId: '' }));
    return { result: null, records };
  }

  /** Runs one input, then raises the group epoch and computes a new target if anything asked for it. */
  private run<T>(input: () => T): Output<T> {
    this.out = [];
    const result = input();
    if (!this.deleted) this.finishInput();
    const records = this.out;
    this.out = [];
    return { result, records };
  }

  private finishInput(): void {
    // Cached: a heartbeat that changes no subscription costs no resolution (no pattern matching).
    const resolved = (this.resolved ??= resolveMembers(this.members, this.topics, this.opts.regexEngine));
    const counts = subscribedTopicCounts(resolved, this.topics);
    if (counts.length !== this.subscribedTopics.size || counts.some(([t, n]) => this.subscribedTopics.get(t) !== n)) {
      this.subscribedTopics = new Map(counts);
      this.out.push({ kind: 'subscribed-topics', groupId: this.groupId, topics: counts });
      this.epochChanged = true;
    }
    if (this.epochChanged) {
      this.epochChanged = false;
      this.groupEpoch++;
      this.out.push({ kind: 'group-epoch', groupId: this.groupId, groupEpoch: this.groupEpoch });
    }
    if (this.groupEpoch > this.targetAssignmentEpoch) {
      const next = computeTargetAssignment(this.assignorName(), resolved, this.topics, this.target);
      for (const [id, set] of next) {
        const prev = this.target.get(id);
        if (prev === undefined || prev.size !== set.size || [...set].some((k) => !prev.has(k))) this.out.push(targetRecord(this.groupId, id, set));
        this.target.set(id, set);
      }
      this.targetAssignmentEpoch = this.groupEpoch;
      this.out.push({ kind: 'target-epoch', groupId: this.groupId, assignmentEpoch: this.targetAssignmentEpoch });
    }
  }

  private handleHeartbeat(raw: HeartbeatRequest, nowMs: number): HeartbeatResult {
    if (this.deleted) return fail('GROUP_ID_NOT_FOUND', `consumer group ${this.groupId} was deleted: a join after the deletion starts a new consumer group under a new coordinator`);
    const checked = validateHeartbeat(raw, this.opts.regexEngine);
    if (!checked.ok) return checked;
    const req = checked.value;
    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) return this.leave(req, nowMs);
    let memberId: string;
    if (req.memberEpoch === JOIN_EPOCH) {
      const joined = this.join(req);
      if (typeof joined !== 'string') return joined;
      memberId = joined;
    } else {
      const m = this.members.get(req.memberId);
      if (m === undefined) return this.unknownMember(req, 'rejoin with member epoch 0');
      const instanceError = this.checkInstance(req, m);
      if (instanceError !== null) return instanceError;
      const lostResponse = req.memberEpoch === m.previousMemberEpoch && req.owned !== undefined && [...req.owned].every((k) => m.assigned.has(k));
      if (m.staticLeft || (req.memberEpoch !== m.memberEpoch && !lostResponse)) {
        return fail('FENCED_MEMBER_EPOCH', `member ${req.memberId} sent epoch ${req.memberEpoch} but its epoch is ${m.staticLeft ? -2 : m.memberEpoch}: it was fenced; rejoin with member epoch 0`);
      }
      this.updateSubscription(m, req);
      memberId = m.memberId;
    }
    this.sessionDeadlineMs.set(memberId, nowMs + this.opts.sessionTimeoutMs);
    // Subscription changes raise the epoch first, so the member reconciles towards the newest target.
    this.finishInput();
    const owned = req.memberEpoch === JOIN_EPOCH ? new Set<PartitionKey>() : req.owned;
    const m = this.reconcileMember(memberId, owned, nowMs);
    return { ok: true, memberId, memberEpoch: m.memberEpoch, heartbeatIntervalMs: this.opts.heartbeatIntervalMs, assignment: listOf(m.assigned.keys()) };
  }

  /** Epoch 0: a new member, a rejoin of a known one, or a static member replacing its departed self. */
  private join(req: ValidHeartbeat): string | HeartbeatResult {
    if (req.instanceId !== '') {
      const holder = this.memberByInstance(req.instanceId);
      if (holder !== undefined && holder.memberId !== req.memberId) {
        if (!holder.staticLeft) {
          return fail('UNRELEASED_INSTANCE_ID', `instance id ${req.instanceId} is held by member ${holder.memberId}, which has not left: stop it (or wait for its session timeout) and retry`);
        }
        return this.replaceStatic(holder, req);
      }
    }
    const known = this.members.get(req.memberId);
    if (known !== undefined) {
      const instanceError = this.checkInstance(req, known);
      if (instanceError !== null) return instanceError;
      this.updateSubscription(known, req);
      return known.memberId;
    }
    if (this.members.size >= this.opts.maxSize) {
      return fail('GROUP_MAX_SIZE_REACHED', `consumer group ${this.groupId} has ${this.members.size} members, its maximum: raise the maximum size or stop a member`);
    }
    const memberId = req.memberId !== '' ? req.memberId : this.opts.newMemberId();
    const member: ConsumerGroupMember = {
      ...EMPTY_ASSIGNMENT,
      memberId,
      instanceId: req.instanceId,
      rack: req.rack ?? '',
      subscription: { topicNames: req.topicNames ?? [], topicRegex: req.topicRegex ?? '' },
      serverAssignor: req.serverAssignor ?? '',
      rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? this.opts.rebalanceTimeoutMs,
      staticLeft: false,
    };
    this.members.set(memberId, member);
    this.resolved = null;
    this.out.push(subscriptionRecord(this.groupId, member));
    this.out.push(currentRecord(this.groupId, member));
    this.epochChanged = true;
    return memberId;
  }

  /** A static member's new process takes over its assignment and epoch: no rebalance (KIP-848). */
  private replaceStatic(old: ConsumerGroupMember, req: ValidHeartbeat): string {
    const memberId = req.memberId !== '' ? req.memberId : this.opts.newMemberId();
    const target = this.target.get(old.memberId) ?? new Set<PartitionKey>();
    const revokeByMs = this.revocationDeadlineMs.get(old.memberId);
    this.dropMember(old.memberId);
    const member: ConsumerGroupMember = { ...old, memberId, staticLeft: false };
    this.members.set(memberId, member);
    this.resolved = null;
    this.target.set(memberId, target);
    for (const key of heldPartitions(member)) this.holders.set(key, memberId);
    if (revokeByMs !== undefined) this.revocationDeadlineMs.set(memberId, revokeByMs);
    this.out.push(subscriptionRecord(this.groupId, member), targetRecord(this.groupId, memberId, target), currentRecord(this.groupId, member));
    this.updateSubscription(member, req);
    return memberId;
  }

  private leave(req: ValidHeartbeat, nowMs: number): HeartbeatResult {
    const m = this.members.get(req.memberId);
    if (m === undefined) return this.unknownMember(req, 'nothing to leave');
    const instanceError = this.checkInstance(req, m);
    if (instanceError !== null) return instanceError;
    if (req.memberEpoch === STATIC_LEAVE_EPOCH && m.instanceId === '') {
      return fail('INVALID_REQUEST', `member ${m.memberId} is dynamic (no instance id): it leaves with member epoch -1; -2 is a static member's temporary leave`);
    }
    if (req.memberEpoch === LEAVE_EPOCH) this.removeMember(m.memberId);
    else {
      const left: ConsumerGroupMember = { ...m, staticLeft: true };
      this.members.set(m.memberId, left);
      this.sessionDeadlineMs.set(m.memberId, nowMs + this.opts.sessionTimeoutMs);
      this.out.push(currentRecord(this.groupId, left));
    }
    return { ok: true, memberId: m.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: this.opts.heartbeatIntervalMs, assignment: [] };
  }

  private checkInstance(req: ValidHeartbeat, m: ConsumerGroupMember): HeartbeatResult | null {
    if (req.instanceId === '' || req.instanceId === m.instanceId) return null;
    if (req.instanceId !== '' && this.memberByInstance(req.instanceId) !== undefined) {
      return fail('FENCED_INSTANCE_ID', `instance id ${req.instanceId} now belongs to another member: this process was replaced and must stop`);
    }
    return fail('INVALID_REQUEST', `member ${m.memberId} joined with instance id ${JSON.stringify(m.instanceId)}, not ${JSON.stringify(req.instanceId)}: a member keeps its instance id`);
  }

  /** A member id the group does not know: a replaced static process is told so precisely. */
  private unknownMember(req: ValidHeartbeat, advice: string): HeartbeatResult {
    const holder = req.instanceId === '' ? undefined : this.memberByInstance(req.instanceId);
    if (holder !== undefined) return fail('FENCED_INSTANCE_ID', `instance id ${req.instanceId} now belongs to member ${holder.memberId}: this process was replaced and must stop`);
    return fail('UNKNOWN_MEMBER_ID', `member ${req.memberId} is not in consumer group ${this.groupId}: ${advice}`);
  }

  private memberByInstance(instanceId: string): ConsumerGroupMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }

  private updateSubscription(m: ConsumerGroupMember, req: ValidHeartbeat): void {
    const subscription = { topicNames: req.topicNames ?? m.subscription.topicNames, topicRegex: req.topicRegex ?? m.subscription.topicRegex };
    const next: ConsumerGroupMember = {
      ...m,
      rack: req.rack ?? m.rack,
      subscription,
      serverAssignor: req.serverAssignor ?? m.serverAssignor,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs ?? m.rebalanceTimeoutMs,
    };
    const rebalance = !sameSubscription(subscription, m.subscription) || next.serverAssignor !== m.serverAssignor;
    if (!rebalance && next.rack === m.rack && next.rebalanceTimeoutMs === m.rebalanceTimeoutMs) return;
    this.members.set(m.memberId, next);
    this.resolved = null;
    this.out.push(subscriptionRecord(this.groupId, next));
    if (rebalance) this.epochChanged = true;
  }

  private reconcileMember(memberId: string, owned: ReadonlySet<PartitionKey> | undefined, nowMs: number): ConsumerGroupMember {
    const m = this.members.get(memberId)!;
    const next: MemberAssignment = reconcile(m, {
      target: this.target.get(memberId) ?? new Set(),
      targetEpoch: this.targetAssignmentEpoch,
      heldByOther: (key) => {
        const holder = this.holders.get(key);
        return holder !== undefined && holder !== memberId;
      },
      owned,
    });
    if (next === m || sameAssignment(next, m)) return m;
    for (const key of heldPartitions(m)) this.holders.delete(key);
    for (const key of heldPartitions(next)) this.holders.set(key, memberId);
    const updated: ConsumerGroupMember = { ...m, ...next };
    this.members.set(memberId, updated);
    if (updated.state === 'unrevoked_partitions') {
      if (m.state !== 'unrevoked_partitions') this.revocationDeadlineMs.set(memberId, nowMs + updated.rebalanceTimeoutMs);
    } else this.revocationDeadlineMs.delete(memberId);
    this.out.push(currentRecord(this.groupId, updated));
    return updated;
  }

  private removeMember(memberId: string): void {
    this.dropMember(memberId);
    this.epochChanged = true;
  }

  /** Forgets a member and frees its partitions, writing its tombstones. */
  private dropMember(memberId: string): void {
    const m = this.members.get(memberId);
    if (m === undefined) return;
    for (const key of heldPartitions(m)) if (this.holders.get(key) === memberId) this.holders.delete(key);
    this.members.delete(memberId);
    this.resolved = null;
    this.target.delete(memberId);
    this.sessionDeadlineMs.delete(memberId);
    this.revocationDeadlineMs.delete(memberId);
    for (const of of ['member-current', 'member-target', 'member-subscription'] as const) this.out.push({ kind: 'tombstone', of, groupId: this.groupId, memberId });
  }
}

function fail(code: ConsumerGroupError['code'], message: string): HeartbeatResult {
  return { ok: false, error: consumerGroupError(code, message) };
}
