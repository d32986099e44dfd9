// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { RecordBatch as _sluice_v1_RecordBatch, RecordBatch__Output as _sluice_v1_RecordBatch__Output } from '../../sluice/v1/RecordBatch';
import type { Long } from '@grpc/proto-loader';

/**
 * A stored batch with the facts the broker assigned to it.
 */
export interface FetchedBatch {
  /**
   * Offset of the batch's first record.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * Number of records in the batch (offsets base_offset .. base_offset + record_count - 1).
   */
  'recordCount'?: (number);
  /**
   * Raft term (leader epoch) under which the batch was appended.
   */
  'leaderEpoch'?: (number | string | Long);
  /**
   * Broker time at which the batch was appended, ms since epoch.
   */
  'logAppendTimeMs'?: (number | string | Long);
  /**
   * CRC32C of the batch bytes as stored; clients may check it end to end.
   */
  'crc32c'?: (number);
  /**
   * The batch exactly as the producer sent it.
   */
  'batch'?: (_sluice_v1_RecordBatch | null);
}

/**
 * A stored batch with the facts the broker assigned to it.
 */
export interface FetchedBatch__Output {
  /**
   * Offset of the batch's first record.
   */
  'baseOffset': (number);
  /**
   * Number of records in the batch (offsets base_offset .. base_offset + record_count - 1).
   */
  'recordCount': (number);
  /**
   * Raft term (leader epoch) under which the batch was appended.
   */
  'leaderEpoch': (number);
  /**
   * Broker time at which the batch was appended, ms since epoch.
   */
  'logAppendTimeMs': (number);
  /**
   * CRC32C of the batch bytes as stored; clients may check it end to end.
   */
  'crc32c': (number);
  /**
   * The batch exactly as the producer sent it.
   */
  'batch': (_sluice_v1_RecordBatch__Output | null);
}
