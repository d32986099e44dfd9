// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { CommitOffsetsPartition as _sluice_v1_CommitOffsetsPartition, CommitOffsetsPartition__Output as _sluice_v1_CommitOffsetsPartition__Output } from '../../sluice/v1/CommitOffsetsPartition';

export interface CommitOffsetsRequest {
  /**
   * Group id: 1-249 characters, any but control characters (as Kafka, e.g. "team:billing/v2").
   */
  'groupId'?: (string);
  'partitions'?: (_sluice_v1_CommitOffsetsPartition)[];
  /**
   * The committing member's id, as the heartbeat gave it; '' (the default) commits outside group
   * membership, accepted only while the group has no members (else UNKNOWN_MEMBER_ID).
   */
  'memberId'?: (string);
  /**
   * The member epoch the member had when it read the records it commits (its latest heartbeat
   * answer's epoch is always accepted for partitions it holds). Ignored when member_id is ''.
   */
  'memberEpoch'?: (number);
}

export interface CommitOffsetsRequest__Output {
  /**
   * Group id: 1-249 characters, any but control characters (as Kafka, e.g. "team:billing/v2").
   */
  'groupId': (string);
  'partitions': (_sluice_v1_CommitOffsetsPartition__Output)[];
  /**
   * The committing member's id, as the heartbeat gave it; '' (the default) commits outside group
   * membership, accepted only while the group has no members (else UNKNOWN_MEMBER_ID).
   */
  'memberId': (string);
  /**
   * The member epoch the member had when it read the records it commits (its latest heartbeat
   * answer's epoch is always accepted for partitions it holds). Ignored when member_id is ''.
   */
  'memberEpoch': (number);
}
