// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { Long } from '@grpc/proto-loader';

export interface InitProducerResponse {
  /**
   * Producer id, > 0.
   */
  'producerId'?: (number | string | Long);
  /**
   * Epoch, >= 0; batches from an older epoch of the same id are rejected.
   */
  'producerEpoch'?: (number);
}

export interface InitProducerResponse__Output {
  /**
   * Producer id, > 0.
   */
  'producerId': (number);
  /**
   * Epoch, >= 0; batches from an older epoch of the same id are rejected.
   */
  'producerEpoch': (number);
}
