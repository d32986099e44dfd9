// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * -1: latest (the high watermark); -2: earliest (the log start offset); otherwise a
   * timestamp in ms: the offset of the first record whose timestamp is >= it (as Kafka).
   */
  'timestampMs'?: (number | string | Long);
}

export interface ListOffsetsPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * -1: latest (the high watermark); -2: earliest (the log start offset); otherwise a
   * timestamp in ms: the offset of the first record whose timestamp is >= it (as Kafka).
   */
  'timestampMs': (number);
}
