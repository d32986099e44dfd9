// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { RecordBatch as _sluice_v1_RecordBatch, RecordBatch__Output as _sluice_v1_RecordBatch__Output } from '../../sluice/v1/RecordBatch';

export interface ProducePartition {
  /**
   * Topic name.
   */
  'topic'?: (string);
  /**
   * Partition number, 0-based.
   */
  'partition'?: (number);
  /**
   * The records. Stored verbatim.
   */
  'batch'?: (_sluice_v1_RecordBatch | null);
  /**
   * Optional CRC32C (Castagnoli) of the encoded batch bytes; when non-zero the broker checks it
   * and answers CORRUPT_MESSAGE on mismatch.
   */
  'crc32c'?: (number);
}

export interface ProducePartition__Output {
  /**
   * Topic name.
   */
  'topic': (string);
  /**
   * Partition number, 0-based.
   */
  'partition': (number);
  /**
   * The records. Stored verbatim.
   */
  'batch': (_sluice_v1_RecordBatch__Output | null);
  /**
   * Optional CRC32C (Castagnoli) of the encoded batch bytes; when non-zero the broker checks it
   * and answers CORRUPT_MESSAGE on mismatch.
   */
  'crc32c': (number);
}
