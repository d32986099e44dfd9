// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface CompleteReassignmentRequest {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The topic's creation time: told incarnations of a topic name apart before topic ids.
   */
  'topicCreatedAtMs'?: (number | string | Long);
  /**
   * The voters the partition's Raft group now has.
   */
  'replicas'?: (number)[];
  /**
   * The topic's id: tells incarnations of a topic name apart (empty from a broker that predates
   * topic ids; topic_created_at_ms does then).
   */
  'topicId'?: (string);
}

export interface CompleteReassignmentRequest__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The topic's creation time: told incarnations of a topic name apart before topic ids.
   */
  'topicCreatedAtMs': (number);
  /**
   * The voters the partition's Raft group now has.
   */
  'replicas': (number)[];
  /**
   * The topic's id: tells incarnations of a topic name apart (empty from a broker that predates
   * topic ids; topic_created_at_ms does then).
   */
  'topicId': (string);
}
