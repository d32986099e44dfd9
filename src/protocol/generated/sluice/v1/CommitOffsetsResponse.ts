// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { CommitOffsetsPartitionResult as _sluice_v1_CommitOffsetsPartitionResult, CommitOffsetsPartitionResult__Output as _sluice_v1_CommitOffsetsPartitionResult__Output } from '../../sluice/v1/CommitOffsetsPartitionResult';

export interface CommitOffsetsResponse {
  'partitions'?: (_sluice_v1_CommitOffsetsPartitionResult)[];
}

export interface CommitOffsetsResponse__Output {
  'partitions': (_sluice_v1_CommitOffsetsPartitionResult__Output)[];
}
