// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/records.proto

import type { RecordHeader as _sluice_v1_RecordHeader, RecordHeader__Output as _sluice_v1_RecordHeader__Output } from '../../sluice/v1/RecordHeader';
import type { Long } from '@grpc/proto-loader';

/**
 * One record: key, value, headers, timestamp. Its offset is base_offset (from the batch's
 * envelope) plus its position in the batch.
 */
export interface Record {
  /**
   * Milliseconds to add to the batch's base_timestamp_ms to get this record's timestamp.
   */
  'timestampDeltaMs'?: (number | string | Long);
  /**
   * Optional key; records with the same key go to the same partition (murmur2, as Kafka).
   */
  'key'?: (Buffer | Uint8Array | string);
  /**
   * The payload.
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Optional headers, at most `max.headers.per.record` (64; a fixed limit for now, not yet a
   * topic config); more is refused with INVALID_RECORD.
   */
  'headers'?: (_sluice_v1_RecordHeader)[];
}

/**
 * One record: key, value, headers, timestamp. Its offset is base_offset (from the batch's
 * envelope) plus its position in the batch.
 */
export interface Record__Output {
  /**
   * Milliseconds to add to the batch's base_timestamp_ms to get this record's timestamp.
   */
  'timestampDeltaMs': (number);
  /**
   * Optional key; records with the same key go to the same partition (murmur2, as Kafka).
   */
  'key': (Buffer);
  /**
   * The payload.
   */
  'value': (Buffer);
  /**
   * Optional headers, at most `max.headers.per.record` (64; a fixed limit for now, not yet a
   * topic config); more is refused with INVALID_RECORD.
   */
  'headers': (_sluice_v1_RecordHeader__Output)[];
}
