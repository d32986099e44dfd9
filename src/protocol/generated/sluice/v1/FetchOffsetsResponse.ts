// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { FetchOffsetsPartitionResult as _sluice_v1_FetchOffsetsPartitionResult, FetchOffsetsPartitionResult__Output as _sluice_v1_FetchOffsetsPartitionResult__Output } from '../../sluice/v1/FetchOffsetsPartitionResult';

export interface FetchOffsetsResponse {
  'partitions'?: (_sluice_v1_FetchOffsetsPartitionResult)[];
}

export interface FetchOffsetsResponse__Output {
  'partitions': (_sluice_v1_FetchOffsetsPartitionResult__Output)[];
}
