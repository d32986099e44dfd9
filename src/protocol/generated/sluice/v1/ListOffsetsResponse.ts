// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ListOffsetsPartitionResult as _sluice_v1_ListOffsetsPartitionResult, ListOffsetsPartitionResult__Output as _sluice_v1_ListOffsetsPartitionResult__Output } from '../../sluice/v1/ListOffsetsPartitionResult';

export interface ListOffsetsResponse {
  'partitions'?: (_sluice_v1_ListOffsetsPartitionResult)[];
}

export interface ListOffsetsResponse__Output {
  'partitions': (_sluice_v1_ListOffsetsPartitionResult__Output)[];
}
