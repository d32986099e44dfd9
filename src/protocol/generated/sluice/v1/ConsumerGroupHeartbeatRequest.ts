// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions';

/**
 * Proto3 note for every field below: a field at its default is absent from the wire. The
 * coordinator reads an absent (default) optional field as "unchanged since my last heartbeat".
 */
export interface ConsumerGroupHeartbeatRequest {
  /**
   * Group id: 1-249 characters, any but control characters.
   */
  'groupId'?: (string);
  /**
   * '' on the first join (the coordinator names the member); afterwards the id it answered.
   */
  'memberId'?: (string);
  /**
   * 0 joins (or rejoins after UNKNOWN_MEMBER_ID / FENCED_MEMBER_EPOCH), -1 leaves the group,
   * -2 is a static member's temporary leave (it keeps its partitions until its session expires);
   * otherwise the epoch of the last answer.
   */
  'memberEpoch'?: (number);
  /**
   * Static membership: a stable id of this instance (for example a pod name); a restart that
   * rejoins with the same instance id within the session timeout keeps its partitions without a
   * rebalance. '' for a dynamic member (or unchanged).
   */
  'instanceId'?: (string);
  /**
   * The member's rack; '' when unchanged or unknown (not used by the assignors yet).
   */
  'rack'?: (string);
  /**
   * How long the member may take to revoke partitions before it is fenced; 0 = unchanged (the
   * broker's default on join).
   */
  'rebalanceTimeoutMs'?: (number);
  /**
   * The topics the member subscribes to. Required on join (names and/or a regex); empty means
   * unchanged. A topic that does not exist yet is assigned once it is created.
   */
  'subscribedTopicNames'?: (string)[];
  /**
   * An RE2 pattern matched against whole topic names (never internal topics); '' = unchanged.
   */
  'subscribedTopicRegex'?: (string);
  /**
   * The server assignor the member prefers: "uniform" (balanced, sticky) or "range"
   * (co-partitioned); '' = unchanged (no preference on join: the group's default, "uniform").
   */
  'serverAssignor'?: (string);
  /**
   * Every partition the member consumes now (always the full set; absent = none). Leaving a
   * partition out of it is how a member acknowledges that partition's revocation.
   */
  'ownedPartitions'?: (_sluice_v1_TopicPartitions)[];
}

/**
 * Proto3 note for every field below: a field at its default is absent from the wire. The
 * coordinator reads an absent (default) optional field as "unchanged since my last heartbeat".
 */
export interface ConsumerGroupHeartbeatRequest__Output {
  /**
   * Group id: 1-249 characters, any but control characters.
   */
  'groupId': (string);
  /**
   * '' on the first join (the coordinator names the member); afterwards the id it answered.
   */
  'memberId': (string);
  /**
   * 0 joins (or rejoins after UNKNOWN_MEMBER_ID / FENCED_MEMBER_EPOCH), -1 leaves the group,
   * -2 is a static member's temporary leave (it keeps its partitions until its session expires);
   * otherwise the epoch of the last answer.
   */
  'memberEpoch': (number);
  /**
   * Static membership: a stable id of this instance (for example a pod name); a restart that
   * rejoins with the same instance id within the session timeout keeps its partitions without a
   * rebalance. '' for a dynamic member (or unchanged).
   */
  'instanceId': (string);
  /**
   * The member's rack; '' when unchanged or unknown (not used by the assignors yet).
   */
  'rack': (string);
  /**
   * How long the member may take to revoke partitions before it is fenced; 0 = unchanged (the
   * broker's default on join).
   */
  'rebalanceTimeoutMs': (number);
  /**
   * The topics the member subscribes to. Required on join (names and/or a regex); empty means
   * unchanged. A topic that does not exist yet is assigned once it is created.
   */
  'subscribedTopicNames': (string)[];
  /**
   * An RE2 pattern matched against whole topic names (never internal topics); '' = unchanged.
   */
  'subscribedTopicRegex': (string);
  /**
   * The server assignor the member prefers: "uniform" (balanced, sticky) or "range"
   * (co-partitioned); '' = unchanged (no preference on join: the group's default, "uniform").
   */
  'serverAssignor': (string);
  /**
   * Every partition the member consumes now (always the full set; absent = none). Leaving a
   * partition out of it is how a member acknowledges that partition's revocation.
   */
  'ownedPartitions': (_sluice_v1_TopicPartitions__Output)[];
}
