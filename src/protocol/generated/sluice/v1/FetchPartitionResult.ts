// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/data.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { FetchedBatch as _sluice_v1_FetchedBatch, FetchedBatch__Output as _sluice_v1_FetchedBatch__Output } from '../../sluice/v1/FetchedBatch';
import type { Long } from '@grpc/proto-loader';

export interface FetchPartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  /**
   * Offsets below this are committed (readable); batches returned all lie below it.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * First offset still stored; OFFSET_OUT_OF_RANGE answers below it.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * The leader's term (leader epoch) when the response was made.
   */
  'leaderEpoch'?: (number | string | Long);
  /**
   * Whole batches in offset order.
   */
  'batches'?: (_sluice_v1_FetchedBatch)[];
  /**
   * Address of the leader when error_code is NOT_LEADER, if known.
   */
  'leaderHint'?: (string);
}

export interface FetchPartitionResult__Output {
  'topic': (string);
  'partition': (number);
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  /**
   * Offsets below this are committed (readable); batches returned all lie below it.
   */
  'highWatermark': (number);
  /**
   * First offset still stored; OFFSET_OUT_OF_RANGE answers below it.
   */
  'logStartOffset': (number);
  /**
   * The leader's term (leader epoch) when the response was made.
   */
  'leaderEpoch': (number);
  /**
   * Whole batches in offset order.
   */
  'batches': (_sluice_v1_FetchedBatch__Output)[];
  /**
   * Address of the leader when error_code is NOT_LEADER, if known.
   */
  'leaderHint': (string);
}
