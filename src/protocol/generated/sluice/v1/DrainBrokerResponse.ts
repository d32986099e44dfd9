// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';
import type { PartitionReassignment as _sluice_v1_PartitionReassignment, PartitionReassignment__Output as _sluice_v1_PartitionReassignment__Output } from '../../sluice/v1/PartitionReassignment';

export interface DrainBrokerResponse {
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
  /**
   * The moves the drain made (or, with validate_only, would make).
   */
  'moves'?: (_sluice_v1_PartitionReassignment)[];
}

export interface DrainBrokerResponse__Output {
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
  /**
   * The moves the drain made (or, with validate_only, would make).
   */
  'moves': (_sluice_v1_PartitionReassignment__Output)[];
}
