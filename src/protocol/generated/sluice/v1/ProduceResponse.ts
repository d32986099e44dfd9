// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ProducePartitionResult as _sluice_v1_ProducePartitionResult, ProducePartitionResult__Output as _sluice_v1_ProducePartitionResult__Output } from '../../sluice/v1/ProducePartitionResult';
import type { Long } from '@grpc/proto-loader';

export interface ProduceResponse {
  /**
   * One result per requested partition, in request order.
   */
  'partitions'?: (_sluice_v1_ProducePartitionResult)[];
  /**
   * The request's correlation_id.
   */
  'correlationId'?: (number | string | Long);
}

export interface ProduceResponse__Output {
  /**
   * One result per requested partition, in request order.
   */
  'partitions': (_sluice_v1_ProducePartitionResult__Output)[];
  /**
   * The request's correlation_id.
   */
  'correlationId': (number);
}
