// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * First offset wanted. Batches are returned whole, so the first batch may start before it;
   * clients skip records below this offset.
   */
  'offset'?: (number | string | Long);
  /**
   * Upper bound on batch bytes for this partition (default 1 MiB when 0); the partition's first
   * batch is returned even when it is larger.
   */
  'maxBytes'?: (number);
}

export interface FetchPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * First offset wanted. Batches are returned whole, so the first batch may start before it;
   * clients skip records below this offset.
   */
  'offset': (number);
  /**
   * Upper bound on batch bytes for this partition (default 1 MiB when 0); the partition's first
   * batch is returned even when it is larger.
   */
  'maxBytes': (number);
}
