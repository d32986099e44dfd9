// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface CompleteReassignmentRequest {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Tells incarnations of a topic name apart.
   */
  'topicCreatedAtMs'?: (number | string | Long);
  /**
   * The voters the partition's Raft group now has.
   */
  'replicas'?: (number)[];
}

export interface CompleteReassignmentRequest__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Tells incarnations of a topic name apart.
   */
  'topicCreatedAtMs': (number);
  /**
   * The voters the partition's Raft group now has.
   */
  'replicas': (number)[];
}
