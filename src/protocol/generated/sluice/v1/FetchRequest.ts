// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { FetchPartition as _sluice_v1_FetchPartition, FetchPartition__Output as _sluice_v1_FetchPartition__Output } from '../../sluice/v1/FetchPartition';

export interface FetchRequest {
  /**
   * Partitions and the offset to read from in each. Each (topic, partition) at most once, at
   * most limits.maxPartitionsPerRequest of them (INVALID_ARGUMENT otherwise).
   */
  'partitions'?: (_sluice_v1_FetchPartition)[];
  /**
   * Longest time to wait for min_bytes to be available (0 = answer at once). A value above the
   * broker's limits.maxFetchWaitMs (default 60000) counts as that limit.
   */
  'maxWaitMs'?: (number);
  /**
   * Answer as soon as this many bytes are available across partitions (0 or 1 = any data).
   */
  'minBytes'?: (number);
  /**
   * Upper bound on batch bytes in the whole response (default 3 MiB when 0, so that an answer
   * at the defaults fits the 4 MiB that stock gRPC clients accept), capped by the broker's
   * limits.maxFetchBytes (default 64 MiB). The first batch of the response is returned even
   * when it alone is larger; a later batch that would pass the bound waits for the next request.
   */
  'maxBytes'?: (number);
}

export interface FetchRequest__Output {
  /**
   * Partitions and the offset to read from in each. Each (topic, partition) at most once, at
   * most limits.maxPartitionsPerRequest of them (INVALID_ARGUMENT otherwise).
   */
  'partitions': (_sluice_v1_FetchPartition__Output)[];
  /**
   * Longest time to wait for min_bytes to be available (0 = answer at once). A value above the
   * broker's limits.maxFetchWaitMs (default 60000) counts as that limit.
   */
  'maxWaitMs': (number);
  /**
   * Answer as soon as this many bytes are available across partitions (0 or 1 = any data).
   */
  'minBytes': (number);
  /**
   * Upper bound on batch bytes in the whole response (default 3 MiB when 0, so that an answer
   * at the defaults fits the 4 MiB that stock gRPC clients accept), capped by the broker's
   * limits.maxFetchBytes (default 64 MiB). The first batch of the response is returned even
   * when it alone is larger; a later batch that would pass the bound waits for the next request.
   */
  'maxBytes': (number);
}
