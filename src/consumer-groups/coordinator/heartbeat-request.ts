// A consumer-group heartbeat (KIP-848's ConsumerGroupHeartbeat) and its validation. Fields a
// member leaves undefined keep their previous value; a joining member must say what it
// subscribes to. Validation returns a normalized request or an error that names the field.
import { ASSIGNORS, assignorNames } from './assignor-registry';
import { consumerGroupError, type ConsumerGroupError } from './errors';
import { keysOf, type PartitionKey, type TopicPartitions } from './partition-key';
import { validatePattern, type RegexEngine } from './subscription';

/** Member epoch 0 joins, -1 leaves, -2 is a static member's temporary leave (it keeps its partitions). */
export const JOIN_EPOCH = 0;
export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;
export const MAX_ID_LENGTH = 255;

export interface HeartbeatRequest {
  /** '' on a first join: the coordinator names the member. */
  readonly memberId: string;
  readonly memberEpoch: number;
  /** Static membership: set on join; later heartbeats may leave it undefined (unchanged). */
  readonly instanceId?: string;
  readonly rack?: string;
  readonly subscribedTopicNames?: readonly string[];
  /** An RE2 pattern matched against whole topic names; '' removes it. */
  readonly subscribedTopicRegex?: string;
  /** What the member consumes now; undefined when unchanged since its last heartbeat. */
  readonly ownedPartitions?: readonly TopicPartitions[];
  /** '' for no preference. */
  readonly serverAssignor?: string;
  readonly rebalanceTimeoutMs?: number;
}

export interface ValidHeartbeat {
  readonly memberId: string;
  readonly memberEpoch: number;
  /** '' when the request did not say. */
  readonly instanceId: string;
  readonly rack: string | undefined;
  readonly topicNames: readonly string[] | undefined;
  readonly topicRegex: string | undefined;
  readonly owned: ReadonlySet<PartitionKey> | undefined;
  readonly serverAssignor: string | undefined;
  readonly rebalanceTimeoutMs: number | undefined;
}

export function validateHeartbeat(req: HeartbeatRequest, engine: RegexEngine | undefined): { ok: true; value: ValidHeartbeat } | { ok: false; error: ConsumerGroupError } {
  const bad = (message: string) => ({ ok: false as const, error: consumerGroupError('INVALID_REQUEST', message) });
  if (!Number.isInteger(req.memberEpoch) || req.memberEpoch < STATIC_LEAVE_EPOCH) {
    return bad(`member epoch ${req.memberEpoch} is invalid: use 0 to join, -1 to leave, -2 for a static member's temporary leave, or the epoch the coordinator gave`);
  }
  if (req.memberId.length > MAX_ID_LENGTH) return bad(`member id is ${req.memberId.length} characters long: the limit is ${MAX_ID_LENGTH}`);
  if (req.memberEpoch !== JOIN_EPOCH && req.memberId === '') return bad(`member id is empty with member epoch ${req.memberEpoch}: only a join (epoch 0) may leave it empty`);
  const instanceId = req.instanceId ?? '';
  if (instanceId.length > MAX_ID_LENGTH) return bad(`instance id is ${instanceId.length} characters long: the limit is ${MAX_ID_LENGTH}`);
  if (req.subscribedTopicNames !== undefined) {
    for (const t of req.subscribedTopicNames) if (t === '' || t.includes(':')) return bad(`subscribed topic name ${JSON.stringify(t)} is invalid: use a non-empty topic name`);
  }
  const topicNames = req.subscribedTopicNames === undefined ? undefined : [...new Set(req.subscribedTopicNames)].sort();
  if (req.memberEpoch === JOIN_EPOCH && (topicNames ?? []).length === 0 && (req.subscribedTopicRegex ?? '') === '') {
    return bad('a joining member must subscribe: give subscribed topic names and/or a topic regex');
  }
  if (req.subscribedTopicRegex !== undefined) {
    const error = validatePattern(engine, req.subscribedTopicRegex);
    if (error !== null) return { ok: false, error };
  }
  if (req.serverAssignor !== undefined && req.serverAssignor !== '' && !ASSIGNORS.has(req.serverAssignor)) {
    return { ok: false, error: consumerGroupError('UNSUPPORTED_ASSIGNOR', `assignor ${JSON.stringify(req.serverAssignor)} is unknown: use ${assignorNames()} (or '' for the group's default)`) };
  }
  if (req.rebalanceTimeoutMs !== undefined && (!Number.isInteger(req.rebalanceTimeoutMs) || req.rebalanceTimeoutMs <= 0)) {
    return bad(`rebalance timeout ${req.rebalanceTimeoutMs} ms is invalid: use a positive integer number of milliseconds`);
  }
  if (req.ownedPartitions !== undefined) {
    for (const tp of req.ownedPartitions) {
      for (const p of tp.partitions) if (!Number.isInteger(p) || p < 0) return bad(`owned partition ${p} of topic ${JSON.stringify(tp.topic)} is invalid: partitions are integers >= 0`);
    }
  }
  return {
    ok: true,
    value: {
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId,
      rack: req.rack,
      topicNames,
      topicRegex: req.subscribedTopicRegex,
      owned: req.ownedPartitions === undefined ? undefined : keysOf(req.ownedPartitions),
      serverAssignor: req.serverAssignor,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    },
  };
}
