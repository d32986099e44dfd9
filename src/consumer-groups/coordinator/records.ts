// The durable state of a consumer group as records of __consumer_offsets (beside the offset
// records of ../offset-records.ts), modelled on KIP-848's record types. The coordinator emits
// them only when state changes, never for a heartbeat that changes nothing; the last record per
// key wins, and a record with no value (a tombstone) deletes its key. `restore` (restore.ts)
// folds them back into a coordinator. Keys and values are small JSON documents, like offsets;
// a metadata key always has a `k` field (the record kind), which an offset key never has.
import type { MemberState } from './member';
import type { TopicPartitions } from './partition-key';

/** The group epoch: raised on every change of members, subscriptions or subscribed topics. */
export interface GroupEpochRecord { readonly kind: 'group-epoch'; readonly groupId: string; readonly groupEpoch: number }

/** Partition counts of the subscribed topics the current group epoch was computed against. */
export interface SubscribedTopicsRecord { readonly kind: 'subscribed-topics'; readonly groupId: string; readonly topics: readonly (readonly [string, number])[] }

/** A member's identity and what it asked for. */
export interface MemberSubscriptionRecord {
  readonly kind: 'member-subscription';
  readonly groupId: string;
  readonly memberId: string;
  readonly instanceId: string;
  readonly rack: string;
  readonly topicNames: readonly string[];
  readonly topicRegex: string;
  readonly serverAssignor: string;
  readonly rebalanceTimeoutMs: number;
}

/** A member's partitions in the target assignment. */
export interface MemberTargetRecord { readonly kind: 'member-target'; readonly groupId: string; readonly memberId: string; readonly partitions: readonly TopicPartitions[] }

/** The group epoch the target assignment was computed for. */
export interface TargetEpochRecord { readonly kind: 'target-epoch'; readonly groupId: string; readonly assignmentEpoch: number }

/** A partition with the member epoch at which it was assigned (the commit fence's lower bound). */
export type PartitionAtEpoch = readonly [topic: string, partition: number, assignedEpoch: number];

/** A member's reconciliation state: its epoch and what it holds now. */
export interface MemberCurrentRecord {
  readonly kind: 'member-current';
  readonly groupId: string;
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly staticLeft: boolean;
  readonly assigned: readonly PartitionAtEpoch[];
  readonly pendingRevocation: readonly PartitionAtEpoch[];
}

export type ConsumerGroupValueRecord = GroupEpochRecord | SubscribedTopicsRecord | MemberSubscriptionRecord | MemberTargetRecord | TargetEpochRecord | MemberCurrentRecord;
export type RecordKind = ConsumerGroupValueRecord['kind'];

/** Deletes the record of `of` for the group (and member, for member kinds; '' otherwise). */
export interface TombstoneRecord { readonly kind: 'tombstone'; readonly of: RecordKind; readonly groupId: string; readonly memberId: string }

export type ConsumerGroupRecord = ConsumerGroupValueRecord | TombstoneRecord;

const MEMBER_KINDS: ReadonlySet<RecordKind> = new Set<RecordKind>(['member-subscription', 'member-target', 'member-current']);
const KINDS: ReadonlySet<string> = new Set<RecordKind>(['group-epoch', 'subscribed-topics', 'member-subscription', 'member-target', 'target-epoch', 'member-current']);

/** The value fields each kind must have (the key carries kind, group and member). */
const VALUE_FIELDS: { readonly [K in RecordKind]: readonly string[] } = {
  'group-epoch': ['groupEpoch'],
  'subscribed-topics': ['topics'],
  'member-subscription': ['instanceId', 'rack', 'topicNames', 'topicRegex', 'serverAssignor', 'rebalanceTimeoutMs'],
  'member-target': ['partitions'],
  'target-epoch': ['assignmentEpoch'],
  'member-current': ['memberEpoch', 'previousMemberEpoch', 'state', 'staticLeft', 'assigned', 'pendingRevocation'],
};

interface RecordKey { readonly k: RecordKind; readonly g: string; readonly m?: string }

/** The compaction key of a record: equal for a record and the later records that replace it. */
export function recordKeyOf(r: ConsumerGroupRecord): string {
  const kind = r.kind === 'tombstone' ? r.of : r.kind;
  const key: RecordKey = MEMBER_KINDS.has(kind) ? { k: kind, g: r.groupId, m: r.kind === 'tombstone' ? r.memberId : (r as { memberId: string }).memberId } : { k: kind, g: r.groupId };
  return JSON.stringify(key);
}

export interface EncodedRecord {
  readonly key: Buffer;
  /** null for a tombstone. */
  readonly value: Buffer | null;
}

export function encodeConsumerGroupRecord(r: ConsumerGroupRecord): EncodedRecord {
  const key = Buffer.from(recordKeyOf(r));
  if (r.kind === 'tombstone') return { key, value: null };
  // The key already names the kind, the group and the member: the value holds the rest.
  const value = Object.fromEntries(Object.entries(r).filter(([field]) => field !== 'kind' && field !== 'groupId' && field !== 'memberId'));
  return { key, value: Buffer.from(JSON.stringify(value)) };
}

/** True if a __consumer_offsets record key is a consumer-group metadata key (not an offset). */
export function isConsumerGroupRecordKey(key: Uint8Array): boolean {
  try {
    const parsed = JSON.parse(Buffer.from(key).toString('utf8')) as { k?: unknown };
    return typeof parsed.k === 'string';
  } catch {
    return false;
  }
}

/** Decodes one record; throws with what was wrong when the bytes are not a record this module wrote. */
export function decodeConsumerGroupRecord(key: Uint8Array, value: Uint8Array | null): ConsumerGroupRecord {
  const text = Buffer.from(key).toString('utf8');
  let parsed: Partial<RecordKey>;
  try {
    parsed = JSON.parse(text) as Partial<RecordKey>;
  } catch {
    throw new Error(`consumer group record key ${JSON.stringify(text)} is not JSON: expected {"k":kind,"g":groupId[,"m":memberId]}`);
  }
  const kind = parsed.k;
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof parsed.g !== 'string') {
    throw new Error(`consumer group record key ${JSON.stringify(text)} is not valid: "k" must be one of ${[...KINDS].join(', ')} and "g" a group id`);
  }
  const memberKind = MEMBER_KINDS.has(kind as RecordKind);
  if (memberKind && typeof parsed.m !== 'string') throw new Error(`consumer group record key ${JSON.stringify(text)} of kind ${kind} needs "m", the member id`);
  const memberId = memberKind ? parsed.m! : '';
  if (value === null) return { kind: 'tombstone', of: kind as RecordKind, groupId: parsed.g, memberId };
  const valueText = Buffer.from(value).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(valueText);
  } catch {
    body = undefined;
  }
  const fields = VALUE_FIELDS[kind as RecordKind];
  if (typeof body !== 'object' || body === null || fields.some((f) => !(f in body))) {
    throw new Error(`consumer group record value for ${text} is not valid: expected a JSON object with ${fields.join(', ')}`);
  }
  return { ...body, kind, groupId: parsed.g, ...(memberKind ? { memberId } : {}) } as ConsumerGroupValueRecord;
}
