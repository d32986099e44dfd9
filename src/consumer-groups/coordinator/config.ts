// Settings of one consumer group's coordinator. Times are in milliseconds of the clock value the
// host passes to every input; the coordinator never reads a clock itself (docs/consumer-groups.md).
import type { RegexEngine } from './subscription';

export interface ConsumerGroupOptions {
  /** A member with no heartbeat for this long is removed and its partitions reassigned. */
  readonly sessionTimeoutMs?: number;
  /** How often members are told to heartbeat; must be below the session timeout. */
  readonly heartbeatIntervalMs?: number;
  /** Time a member has to revoke partitions before it is fenced, unless its request sets its own. */
  readonly rebalanceTimeoutMs?: number;
  /** Most members the consumer group accepts; a join beyond it is refused. */
  readonly maxSize?: number;
  /** The assignor used when no member prefers one: 'uniform' or 'range'. */
  readonly defaultAssignor?: string;
  /** Evaluates subscription patterns; must run in linear time (RE2). */
  readonly regexEngine?: RegexEngine;
  /** Names a member that joins without an id. Must be unique across coordinators (a UUID). */
  readonly newMemberId: () => string;
}

export interface ResolvedConsumerGroupOptions {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly maxSize: number;
  readonly defaultAssignor: string;
  readonly regexEngine: RegexEngine | undefined;
  readonly newMemberId: () => string;
}

/** Kafka's defaults for the KIP-848 protocol. */
export const DEFAULT_SESSION_TIMEOUT_MS = 45_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
export const DEFAULT_REBALANCE_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_SIZE = 1_000;

export function resolveConsumerGroupOptions(o: ConsumerGroupOptions): ResolvedConsumerGroupOptions {
  const r: ResolvedConsumerGroupOptions = {
    sessionTimeoutMs: o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
    maxSize: o.maxSize ?? DEFAULT_MAX_SIZE,
    defaultAssignor: o.defaultAssignor ?? 'uniform',
    regexEngine: o.regexEngine,
    newMemberId: o.newMemberId,
  };
  const positive = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`consumer group option ${name} must be a positive integer, got ${v}`);
  };
  positive('sessionTimeoutMs', r.sessionTimeoutMs);
  positive('heartbeatIntervalMs', r.heartbeatIntervalMs);
  positive('rebalanceTimeoutMs', r.rebalanceTimeoutMs);
  positive('maxSize', r.maxSize);
  if (r.heartbeatIntervalMs >= r.sessionTimeoutMs) {
    throw new Error(`consumer group option heartbeatIntervalMs (${r.heartbeatIntervalMs}) must be below sessionTimeoutMs (${r.sessionTimeoutMs})`);
  }
  return r;
}
