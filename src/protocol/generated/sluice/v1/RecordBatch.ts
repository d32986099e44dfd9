// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/records.proto

import type { Compression as _sluice_v1_Compression, Compression__Output as _sluice_v1_Compression__Output } from '../../sluice/v1/Compression';
import type { Record as _sluice_v1_Record, Record__Output as _sluice_v1_Record__Output } from '../../sluice/v1/Record';
import type { Long } from '@grpc/proto-loader';

/**
 * A batch of records of one partition from one producer call.
 * The broker reads fields 1-7 and checks each record of field 8; it stores the encoded bytes
 * verbatim and serves them back unchanged in FetchedBatch.batch.
 */
export interface RecordBatch {
  /**
   * Timestamp (ms since the Unix epoch) that record timestamp deltas are relative to.
   * In [0, 2^53-1]; outside it the batch is refused with INVALID_RECORD.
   */
  'baseTimestampMs'?: (number | string | Long);
  /**
   * Largest record timestamp in the batch (ms since epoch); used by ListOffsets by timestamp.
   * When 0 the broker uses the log-append time. In [0, 2^53-1] (INVALID_RECORD outside).
   */
  'maxTimestampMs'?: (number | string | Long);
  /**
   * Idempotent producer id from InitProducer; 0 means "not idempotent". In [0, 2^53-1].
   */
  'producerId'?: (number | string | Long);
  /**
   * Producer epoch from InitProducer; a smaller epoch than the partition last saw is fenced.
   * Stored as an int16 (as in Kafka): [0, 32767] for an idempotent producer, [-1, 32767]
   * otherwise; outside it the batch is refused with INVALID_RECORD.
   */
  'producerEpoch'?: (number);
  /**
   * Sequence number of the first record, per (producer, partition); the next batch must start
   * at base_sequence + number of records in this batch. For an idempotent producer
   * [0, 2^31-1], and the batch's last sequence (base_sequence + records - 1) at most 2^31-1;
   * [-1, 2^31-1] otherwise. INVALID_RECORD outside.
   */
  'baseSequence'?: (number);
  /**
   * Encoding of the records.
   */
  'compression'?: (_sluice_v1_Compression);
  /**
   * With compression: how many records `compressed_records` holds (1 to 1,048,576). The broker
   * assigns offsets by it without decompressing; a consumer rejects a batch that disagrees.
   * Absent without compression.
   */
  'recordCount'?: (number);
  /**
   * Without compression: the records, in order. At least one.
   */
  'records'?: (_sluice_v1_Record)[];
  /**
   * With compression: the records, compressed (see Compression).
   */
  'compressedRecords'?: (Buffer | Uint8Array | string);
}

/**
 * A batch of records of one partition from one producer call.
 * The broker reads fields 1-7 and checks each record of field 8; it stores the encoded bytes
 * verbatim and serves them back unchanged in FetchedBatch.batch.
 */
export interface RecordBatch__Output {
  /**
   * Timestamp (ms since the Unix epoch) that record timestamp deltas are relative to.
   * In [0, 2^53-1]; outside it the batch is refused with INVALID_RECORD.
   */
  'baseTimestampMs': (number);
  /**
   * Largest record timestamp in the batch (ms since epoch); used by ListOffsets by timestamp.
   * When 0 the broker uses the log-append time. In [0, 2^53-1] (INVALID_RECORD outside).
   */
  'maxTimestampMs': (number);
  /**
   * Idempotent producer id from InitProducer; 0 means "not idempotent". In [0, 2^53-1].
   */
  'producerId': (number);
  /**
   * Producer epoch from InitProducer; a smaller epoch than the partition last saw is fenced.
   * Stored as an int16 (as in Kafka): [0, 32767] for an idempotent producer, [-1, 32767]
   * otherwise; outside it the batch is refused with INVALID_RECORD.
   */
  'producerEpoch': (number);
  /**
   * Sequence number of the first record, per (producer, partition); the next batch must start
   * at base_sequence + number of records in this batch. For an idempotent producer
   * [0, 2^31-1], and the batch's last sequence (base_sequence + records - 1) at most 2^31-1;
   * [-1, 2^31-1] otherwise. INVALID_RECORD outside.
   */
  'baseSequence': (number);
  /**
   * Encoding of the records.
   */
  'compression': (_sluice_v1_Compression__Output);
  /**
   * With compression: how many records `compressed_records` holds (1 to 1,048,576). The broker
   * assigns offsets by it without decompressing; a consumer rejects a batch that disagrees.
   * Absent without compression.
   */
  'recordCount': (number);
  /**
   * Without compression: the records, in order. At least one.
   */
  'records': (_sluice_v1_Record__Output)[];
  /**
   * With compression: the records, compressed (see Compression).
   */
  'compressedRecords': (Buffer);
}
