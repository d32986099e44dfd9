// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { Long } from '@grpc/proto-loader';

export interface CommitOffsetsPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The next offset the group should read (one past the last record processed), >= 0.
   */
  'offset'?: (number | string | Long);
  /**
   * Optional application metadata stored with the offset, at most 4 KiB.
   */
  'metadata'?: (string);
  /**
   * The id of the topic the offset was read in (CreateTopics/DescribeTopics topic_id), optional.
   * When set and the topic of this name now has another id (deleted and re-created), this
   * partition fails alone with UNKNOWN_TOPIC_ID and nothing is committed for it: an offset of the
   * deleted topic must not become the new topic's position.
   */
  'topicId'?: (string);
}

export interface CommitOffsetsPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The next offset the group should read (one past the last record processed), >= 0.
   */
  'offset': (number);
  /**
   * Optional application metadata stored with the offset, at most 4 KiB.
   */
  'metadata': (string);
  /**
   * The id of the topic the offset was read in (CreateTopics/DescribeTopics topic_id), optional.
   * When set and the topic of this name now has another id (deleted and re-created), this
   * partition fails alone with UNKNOWN_TOPIC_ID and nothing is committed for it: an offset of the
   * deleted topic must not become the new topic's position.
   */
  'topicId': (string);
}
