// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { FetchPartition as _sluice_v1_FetchPartition, FetchPartition__Output as _sluice_v1_FetchPartition__Output } from '../../sluice/v1/FetchPartition';

export interface SubscribeRequest {
  /**
   * Partitions and starting offsets. Each (topic, partition) at most once, at most
   * limits.maxPartitionsPerRequest of them (INVALID_ARGUMENT otherwise).
   */
  'partitions'?: (_sluice_v1_FetchPartition)[];
  /**
   * Upper bound on batch bytes per pushed message (default 3 MiB when 0: a push at the defaults
   * fits the 4 MiB that stock gRPC clients accept), capped by the broker's limits.maxFetchBytes;
   * a push's first batch is sent even when it alone is larger.
   */
  'maxBytes'?: (number);
}

export interface SubscribeRequest__Output {
  /**
   * Partitions and starting offsets. Each (topic, partition) at most once, at most
   * limits.maxPartitionsPerRequest of them (INVALID_ARGUMENT otherwise).
   */
  'partitions': (_sluice_v1_FetchPartition__Output)[];
  /**
   * Upper bound on batch bytes per pushed message (default 3 MiB when 0: a push at the defaults
   * fits the 4 MiB that stock gRPC clients accept), capped by the broker's limits.maxFetchBytes;
   * a push's first batch is sent even when it alone is larger.
   */
  'maxBytes': (number);
}
