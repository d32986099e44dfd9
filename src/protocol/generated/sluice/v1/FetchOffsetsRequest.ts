// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { FetchOffsetsPartition as _sluice_v1_FetchOffsetsPartition, FetchOffsetsPartition__Output as _sluice_v1_FetchOffsetsPartition__Output } from '../../sluice/v1/FetchOffsetsPartition';

export interface FetchOffsetsRequest {
  'groupId'?: (string);
  /**
   * Partitions to read; empty means every partition the group has committed.
   */
  'partitions'?: (_sluice_v1_FetchOffsetsPartition)[];
}

export interface FetchOffsetsRequest__Output {
  'groupId': (string);
  /**
   * Partitions to read; empty means every partition the group has committed.
   */
  'partitions': (_sluice_v1_FetchOffsetsPartition__Output)[];
}
