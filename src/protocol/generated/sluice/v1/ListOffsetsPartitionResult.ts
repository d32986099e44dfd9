// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  /**
   * The offset found; -1 when no record has a timestamp >= the one asked for.
   */
  'offset'?: (number | string | Long);
  /**
   * Timestamp of the record found (for timestamp queries), else -1.
   */
  'timestampMs'?: (number | string | Long);
  'logStartOffset'?: (number | string | Long);
  'highWatermark'?: (number | string | Long);
}

export interface ListOffsetsPartitionResult__Output {
  'topic': (string);
  'partition': (number);
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  /**
   * The offset found; -1 when no record has a timestamp >= the one asked for.
   */
  'offset': (number);
  /**
   * Timestamp of the record found (for timestamp queries), else -1.
   */
  'timestampMs': (number);
  'logStartOffset': (number);
  'highWatermark': (number);
}
