// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { Long } from '@grpc/proto-loader';

export interface ProducePartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * NONE on success.
   */
  'errorCode'?: (_sluice_v1_ErrorCode);
  /**
   * Human-readable detail when error_code is not NONE.
   */
  'errorMessage'?: (string);
  /**
   * Offset given to the batch's first record (also set for DUPLICATE_SEQUENCE).
   */
  'baseOffset'?: (number | string | Long);
  /**
   * Broker time at which the batch was appended, ms since epoch.
   */
  'logAppendTimeMs'?: (number | string | Long);
  /**
   * The partition's log start offset after the append.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * Address (host:port) of the partition's leader when error_code is NOT_LEADER, if known.
   */
  'leaderHint'?: (string);
}

export interface ProducePartitionResult__Output {
  'topic': (string);
  'partition': (number);
  /**
   * NONE on success.
   */
  'errorCode': (_sluice_v1_ErrorCode__Output);
  /**
   * Human-readable detail when error_code is not NONE.
   */
  'errorMessage': (string);
  /**
   * Offset given to the batch's first record (also set for DUPLICATE_SEQUENCE).
   */
  'baseOffset': (number);
  /**
   * Broker time at which the batch was appended, ms since epoch.
   */
  'logAppendTimeMs': (number);
  /**
   * The partition's log start offset after the append.
   */
  'logStartOffset': (number);
  /**
   * Address (host:port) of the partition's leader when error_code is NOT_LEADER, if known.
   */
  'leaderHint': (string);
}
