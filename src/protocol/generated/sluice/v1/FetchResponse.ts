// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { FetchPartitionResult as _sluice_v1_FetchPartitionResult, FetchPartitionResult__Output as _sluice_v1_FetchPartitionResult__Output } from '../../sluice/v1/FetchPartitionResult';

export interface FetchResponse {
  'partitions'?: (_sluice_v1_FetchPartitionResult)[];
}

export interface FetchResponse__Output {
  'partitions': (_sluice_v1_FetchPartitionResult__Output)[];
}
