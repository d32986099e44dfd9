// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ListOffsetsPartition as _sluice_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _sluice_v1_ListOffsetsPartition__Output } from '../../sluice/v1/ListOffsetsPartition';

export interface ListOffsetsRequest {
  'partitions'?: (_sluice_v1_ListOffsetsPartition)[];
}

export interface ListOffsetsRequest__Output {
  'partitions': (_sluice_v1_ListOffsetsPartition__Output)[];
}
