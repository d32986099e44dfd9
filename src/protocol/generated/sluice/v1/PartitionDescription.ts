// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionDescription {
  'partition'?: (number);
  /**
   * Broker id of the leader, 0 when there is none.
   */
  'leaderId'?: (number);
  /**
   * Broker ids holding a replica.
   */
  'replicas'?: (number)[];
  /**
   * Current leader epoch (Raft term).
   */
  'leaderEpoch'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'logEndOffset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
  /**
   * Bytes of segment files of this replica.
   */
  'sizeBytes'?: (number | string | Long);
  /**
   * Brokers leaving the partition that still hold a copy until its reassignment finishes.
   */
  'retiring'?: (number)[];
  /**
   * The Raft group's voters and learners as the answering broker's replica knows them (exact on
   * the leader); empty when the answering broker holds no replica.
   */
  'voters'?: (number)[];
  'learners'?: (number)[];
}

export interface PartitionDescription__Output {
  'partition': (number);
  /**
   * Broker id of the leader, 0 when there is none.
   */
  'leaderId': (number);
  /**
   * Broker ids holding a replica.
   */
  'replicas': (number)[];
  /**
   * Current leader epoch (Raft term).
   */
  'leaderEpoch': (number);
  'logStartOffset': (number);
  'logEndOffset': (number);
  'highWatermark': (number);
  /**
   * Bytes of segment files of this replica.
   */
  'sizeBytes': (number);
  /**
   * Brokers leaving the partition that still hold a copy until its reassignment finishes.
   */
  'retiring': (number)[];
  /**
   * The Raft group's voters and learners as the answering broker's replica knows them (exact on
   * the leader); empty when the answering broker holds no replica.
   */
  'voters': (number)[];
  'learners': (number)[];
}
