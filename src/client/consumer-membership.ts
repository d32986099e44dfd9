// A consumer's membership in a consumer group (KIP-848, docs/consumer-groups.md): a heartbeat
// loop to the group's coordinator that reports the partitions the consumer owns and applies the
// assignment it is given, revoking first. One heartbeat is in flight at a time, so the coordinator
// sees them in order; a revocation is acknowledged (left out of `ownedPartitions`) only after the
// consumer's `revoke` callback resolved, i.e. after it stopped reading those partitions and
// committed them.
import { ErrorCode, SluiceError } from '../common/errors';
import { partitionKey, type TopicPartition } from '../common/ids';
import { moduleLogger } from '../common/logger';
import type { ConsumerGroupHeartbeatRequest } from '../protocol/wire-types';
import type { ClientContext } from './client-context';
import { SluiceConnectionError } from './errors';
import { asSluiceError, backoffMs } from './retry';

const log = moduleLogger('consumer-group');

export interface MembershipCallbacks {
  /** Partitions given to this member: start reading them. */
  assign(partitions: TopicPartition[]): Promise<void>;
  /** Partitions to give up: resolves once they are no longer read (and their positions committed). */
  revoke(partitions: TopicPartition[]): Promise<void>;
  /** The member was fenced or expired: its partitions are someone else's now (do not commit them). */
  lose(partitions: TopicPartition[]): Promise<void>;
}

/** Errors after which rejoining cannot help: the consumer stops with this error. */
const FATAL = new Set<ErrorCode>([
  ErrorCode.FENCED_INSTANCE_ID,
  ErrorCode.UNRELEASED_INSTANCE_ID,
  ErrorCode.GROUP_MAX_SIZE_REACHED,
  ErrorCode.UNSUPPORTED_ASSIGNOR,
  ErrorCode.INVALID_REGULAR_EXPRESSION,
  ErrorCode.INVALID_REQUEST,
]);

export class GroupMembership {
  memberId = '';
  memberEpoch = 0;
  /** The error that stopped the membership, for the consumer to throw. */
  failure: SluiceError | undefined;
  private readonly owned = new Map<string, TopicPartition>();
  private address: string | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;

  constructor(
    private readonly context: ClientContext,
    private readonly groupId: string,
    /** Topic names and/or an RE2 pattern ('' for none). */
    private readonly subscription: { readonly topics: readonly string[]; readonly pattern: string },
    private readonly callbacks: MembershipCallbacks,
    /** '' for a dynamic member. */
    private readonly instanceId: string,
  ) {}

  /** Starts heartbeating (joining first). */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops heartbeating and leaves the group: epoch -1, so its partitions move at once; a static
   * member sends -2 instead and keeps them until its session expires. Safe to call twice.
   */
  async leave(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (this.memberId === '' || this.memberEpoch <= 0) return;
    await this.send(this.instanceId === '' ? -1 : -2).catch((error: unknown) => log.debug({ err: asSluiceError(error).message, group: this.groupId }, 'leave failed: the session timeout will remove the member'));
    this.owned.clear();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let waitMs: number;
      try {
        waitMs = await this.heartbeat();
        this.failures = 0;
      } catch (error) {
        const e = asSluiceError(error);
        if (!e.retriable) {
          this.failure = e;
          log.warn({ err: e.message, group: this.groupId }, 'consumer group membership stopped');
          return;
        }
        if (e instanceof SluiceConnectionError) this.context.metadata.markUnavailable(e.address);
        this.address = undefined;
        waitMs = backoffMs(this.failures++, this.context.retry);
      }
      if (waitMs > 0 && !this.stopped) await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = undefined;
    }
  }

  /** One heartbeat and what follows from its answer; resolves with how long to wait before the next. */
  private async heartbeat(): Promise<number> {
    const answer = await this.send(this.memberEpoch);
    switch (answer.errorCode) {
      case ErrorCode.NONE:
        break;
      case ErrorCode.NOT_COORDINATOR:
        if (answer.coordinator === '') this.context.metadata.moveOn(this.address ?? '');
        this.address = answer.coordinator === '' ? undefined : answer.coordinator;
        if (answer.coordinator === '') throw new SluiceError(answer.errorCode, answer.errorMessage);
        return 0;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.FENCED_MEMBER_EPOCH: {
        log.debug({ group: this.groupId, member: this.memberId, err: answer.errorMessage }, 'fenced from the consumer group: rejoining');
        const lost = [...this.owned.values()];
        this.owned.clear();
        this.memberEpoch = 0;
        if (lost.length > 0) await this.callbacks.lose(lost);
        return 0;
      }
      default:
        throw new SluiceError(answer.errorCode, `consumer group ${this.groupId}: ${answer.errorMessage}`, { retriable: !FATAL.has(answer.errorCode) });
    }
    this.memberId = answer.memberId;
    this.memberEpoch = answer.memberEpoch;
    const target = new Map<string, TopicPartition>();
    for (const tp of answer.assignment) for (const partition of tp.partitions) target.set(partitionKey({ topic: tp.topic, partition }), { topic: tp.topic, partition });
    const revoked = [...this.owned].filter(([key]) => !target.has(key)).map(([, tp]) => tp);
    if (revoked.length > 0) {
      await this.callbacks.revoke(revoked);
      for (const tp of revoked) this.owned.delete(partitionKey(tp));
    }
    const added = [...target].filter(([key]) => !this.owned.has(key));
    if (added.length > 0) {
      for (const [key, tp] of added) this.owned.set(key, tp);
      await this.callbacks.assign(added.map(([, tp]) => tp));
    }
    // A revocation is acknowledged by the next heartbeat: send it now, not after the interval.
    return revoked.length > 0 ? 0 : answer.heartbeatIntervalMs;
  }

  private send(memberEpoch: number) {
    const byTopic = new Map<string, number[]>();
    for (const tp of this.owned.values()) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const request: ConsumerGroupHeartbeatRequest = {
      groupId: this.groupId,
      memberId: this.memberId,
      memberEpoch,
      instanceId: this.instanceId,
      rack: '',
      rebalanceTimeoutMs: 0,
      subscribedTopicNames: this.subscription.topics,
      subscribedTopicRegex: this.subscription.pattern,
      serverAssignor: '',
      ownedPartitions: [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) })),
    };
    const address = (this.address ??= this.context.metadata.anyBrokerAddress());
    return this.context.pool.get(address).call('sluice.v1.Groups', 'consumerGroupHeartbeat', request, this.context.requestTimeoutMs);
  }
}
