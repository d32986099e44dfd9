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
}
