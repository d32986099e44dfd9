// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { Long } from '@grpc/proto-loader';

export interface FetchOffsetsPartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Committed offset, or -1 when the group has none for this partition.
   */
  'offset'?: (number | string | Long);
  'metadata'?: (string);
  /**
   * When the offset was committed, ms since epoch (0 when none).
   */
  'commitTimeMs'?: (number | string | Long);
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
}

export interface FetchOffsetsPartitionResult__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Committed offset, or -1 when the group has none for this partition.
   */
  'offset': (number);
  'metadata': (string);
  /**
   * When the offset was committed, ms since epoch (0 when none).
   */
  'commitTimeMs': (number);
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
}
