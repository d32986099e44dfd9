// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * First offset wanted. Batches are returned whole, so the first batch may start before it;
   * clients skip records below this offset. A negative offset fails this partition alone with
   * OFFSET_OUT_OF_RANGE (ListOffsets resolves earliest and latest).
   */
  'offset'?: (number | string | Long);
  /**
   * Upper bound on batch bytes for this partition (default 1 MiB when 0). Only the first batch
   * of the response may be larger (KIP-74): a later partition's batch larger than this waits
   * for a request that starts with that partition.
   */
  'maxBytes'?: (number);
  /**
   * The id of the topic the offset belongs to (CreateTopics/DescribeTopics topic_id), optional.
   * When set and the topic of this name now has another id (it was deleted and re-created), this
   * partition fails alone with UNKNOWN_TOPIC_ID instead of reading the new topic at an offset
   * that means nothing there (Kafka's KIP-516).
   */
  'topicId'?: (string);
}

export interface FetchPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * First offset wanted. Batches are returned whole, so the first batch may start before it;
   * clients skip records below this offset. A negative offset fails this partition alone with
   * OFFSET_OUT_OF_RANGE (ListOffsets resolves earliest and latest).
   */
  'offset': (number);
  /**
   * Upper bound on batch bytes for this partition (default 1 MiB when 0). Only the first batch
   * of the response may be larger (KIP-74): a later partition's batch larger than this waits
   * for a request that starts with that partition.
   */
  'maxBytes': (number);
  /**
   * The id of the topic the offset belongs to (CreateTopics/DescribeTopics topic_id), optional.
   * When set and the topic of this name now has another id (it was deleted and re-created), this
   * partition fails alone with UNKNOWN_TOPIC_ID instead of reading the new topic at an offset
   * that means nothing there (Kafka's KIP-516).
   */
  'topicId': (string);
}
