// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { Acks as _sluice_v1_Acks, Acks__Output as _sluice_v1_Acks__Output } from '../../sluice/v1/Acks';
import type { ProducePartition as _sluice_v1_ProducePartition, ProducePartition__Output as _sluice_v1_ProducePartition__Output } from '../../sluice/v1/ProducePartition';
import type { Long } from '@grpc/proto-loader';

export interface ProduceRequest {
  /**
   * Durability wanted before the answer.
   */
  'acks'?: (_sluice_v1_Acks);
  /**
   * How long the broker may wait for replication before answering REQUEST_TIMED_OUT
   * (default 30000 when 0). A value above the broker's limits.maxProduceTimeoutMs (default
   * 300000) counts as that limit.
   */
  'timeoutMs'?: (number);
  /**
   * One batch per partition. At most one entry per (topic, partition).
   */
  'partitions'?: (_sluice_v1_ProducePartition)[];
  /**
   * Echoed in the response; lets a ProduceStream client match responses to requests.
   */
  'correlationId'?: (number | string | Long);
}

export interface ProduceRequest__Output {
  /**
   * Durability wanted before the answer.
   */
  'acks': (_sluice_v1_Acks__Output);
  /**
   * How long the broker may wait for replication before answering REQUEST_TIMED_OUT
   * (default 30000 when 0). A value above the broker's limits.maxProduceTimeoutMs (default
   * 300000) counts as that limit.
   */
  'timeoutMs': (number);
  /**
   * One batch per partition. At most one entry per (topic, partition).
   */
  'partitions': (_sluice_v1_ProducePartition__Output)[];
  /**
   * Echoed in the response; lets a ProduceStream client match responses to requests.
   */
  'correlationId': (number);
}
