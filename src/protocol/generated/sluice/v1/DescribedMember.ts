// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { MemberState as _sluice_v1_MemberState, MemberState__Output as _sluice_v1_MemberState__Output } from '../../sluice/v1/MemberState';
import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions';

export interface DescribedMember {
  'memberId'?: (string);
  /**
   * '' for a dynamic member.
   */
  'instanceId'?: (string);
  'rack'?: (string);
  'memberEpoch'?: (number);
  'state'?: (_sluice_v1_MemberState);
  'subscribedTopicNames'?: (string)[];
  'subscribedTopicRegex'?: (string);
  /**
   * Partitions the member may consume now.
   */
  'assigned'?: (_sluice_v1_TopicPartitions)[];
  /**
   * Partitions the member was asked to give up and has not yet.
   */
  'pendingRevocation'?: (_sluice_v1_TopicPartitions)[];
  /**
   * The member's partitions in the target assignment.
   */
  'target'?: (_sluice_v1_TopicPartitions)[];
}

export interface DescribedMember__Output {
  'memberId': (string);
  /**
   * '' for a dynamic member.
   */
  'instanceId': (string);
  'rack': (string);
  'memberEpoch': (number);
  'state': (_sluice_v1_MemberState__Output);
  'subscribedTopicNames': (string)[];
  'subscribedTopicRegex': (string);
  /**
   * Partitions the member may consume now.
   */
  'assigned': (_sluice_v1_TopicPartitions__Output)[];
  /**
   * Partitions the member was asked to give up and has not yet.
   */
  'pendingRevocation': (_sluice_v1_TopicPartitions__Output)[];
  /**
   * The member's partitions in the target assignment.
   */
  'target': (_sluice_v1_TopicPartitions__Output)[];
}
