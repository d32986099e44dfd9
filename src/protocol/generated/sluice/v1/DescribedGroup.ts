// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { ConsumerGroupState as _sluice_v1_ConsumerGroupState, ConsumerGroupState__Output as _sluice_v1_ConsumerGroupState__Output } from '../../sluice/v1/ConsumerGroupState';
import type { DescribedMember as _sluice_v1_DescribedMember, DescribedMember__Output as _sluice_v1_DescribedMember__Output } from '../../sluice/v1/DescribedMember';
import type { FetchOffsetsPartitionResult as _sluice_v1_FetchOffsetsPartitionResult, FetchOffsetsPartitionResult__Output as _sluice_v1_FetchOffsetsPartitionResult__Output } from '../../sluice/v1/FetchOffsetsPartitionResult';

export interface DescribedGroup {
  'groupId'?: (string);
  /**
   * NONE, GROUP_ID_NOT_FOUND (no members and no committed offsets), NOT_COORDINATOR.
   */
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  'state'?: (_sluice_v1_ConsumerGroupState);
  /**
   * Raised whenever members, subscriptions or subscribed topics' partition counts change.
   */
  'groupEpoch'?: (number);
  /**
   * The group epoch the target assignment was computed for.
   */
  'assignmentEpoch'?: (number);
  /**
   * The assignor the target assignment uses.
   */
  'assignor'?: (string);
  'members'?: (_sluice_v1_DescribedMember)[];
  /**
   * The group's committed offsets.
   */
  'offsets'?: (_sluice_v1_FetchOffsetsPartitionResult)[];
}

export interface DescribedGroup__Output {
  'groupId': (string);
  /**
   * NONE, GROUP_ID_NOT_FOUND (no members and no committed offsets), NOT_COORDINATOR.
   */
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  'state': (_sluice_v1_ConsumerGroupState__Output);
  /**
   * Raised whenever members, subscriptions or subscribed topics' partition counts change.
   */
  'groupEpoch': (number);
  /**
   * The group epoch the target assignment was computed for.
   */
  'assignmentEpoch': (number);
  /**
   * The assignor the target assignment uses.
   */
  'assignor': (string);
  'members': (_sluice_v1_DescribedMember__Output)[];
  /**
   * The group's committed offsets.
   */
  'offsets': (_sluice_v1_FetchOffsetsPartitionResult__Output)[];
}
