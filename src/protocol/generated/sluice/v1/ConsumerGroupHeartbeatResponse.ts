// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { TopicPartitions as _sluice_v1_TopicPartitions, TopicPartitions__Output as _sluice_v1_TopicPartitions__Output } from '../../sluice/v1/TopicPartitions';

export interface ConsumerGroupHeartbeatResponse {
  /**
   * NONE, or why the heartbeat was refused: NOT_COORDINATOR (see `coordinator`),
   * COORDINATOR_NOT_AVAILABLE (retry), UNKNOWN_MEMBER_ID / FENCED_MEMBER_EPOCH (drop your
   * partitions and rejoin with epoch 0), FENCED_INSTANCE_ID (stop), UNRELEASED_INSTANCE_ID,
   * GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, INVALID_REQUEST.
   */
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  /**
   * The member id (new on a first join).
   */
  'memberId'?: (string);
  /**
   * The member epoch to send in the next heartbeat and with offset commits.
   */
  'memberEpoch'?: (number);
  /**
   * Send the next heartbeat after this long.
   */
  'heartbeatIntervalMs'?: (number);
  /**
   * Every partition the member may consume now (the full set, every time). A partition that was
   * owned and is missing here must be given up: commit its offsets, stop reading it, and leave it
   * out of the next heartbeat's `owned_partitions`. New partitions appear only once their
   * previous owner has given them up.
   */
  'assignment'?: (_sluice_v1_TopicPartitions)[];
  /**
   * With NOT_COORDINATOR: host:port of the group's coordinator when known, else ''.
   */
  'coordinator'?: (string);
}

export interface ConsumerGroupHeartbeatResponse__Output {
  /**
   * NONE, or why the heartbeat was refused: NOT_COORDINATOR (see `coordinator`),
   * COORDINATOR_NOT_AVAILABLE (retry), UNKNOWN_MEMBER_ID / FENCED_MEMBER_EPOCH (drop your
   * partitions and rejoin with epoch 0), FENCED_INSTANCE_ID (stop), UNRELEASED_INSTANCE_ID,
   * GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION, INVALID_REQUEST.
   */
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  /**
   * The member id (new on a first join).
   */
  'memberId': (string);
  /**
   * The member epoch to send in the next heartbeat and with offset commits.
   */
  'memberEpoch': (number);
  /**
   * Send the next heartbeat after this long.
   */
  'heartbeatIntervalMs': (number);
  /**
   * Every partition the member may consume now (the full set, every time). A partition that was
   * owned and is missing here must be given up: commit its offsets, stop reading it, and leave it
   * out of the next heartbeat's `owned_partitions`. New partitions appear only once their
   * previous owner has given them up.
   */
  'assignment': (_sluice_v1_TopicPartitions__Output)[];
  /**
   * With NOT_COORDINATOR: host:port of the group's coordinator when known, else ''.
   */
  'coordinator': (string);
}
