// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';

export interface DeleteGroupResult {
  'groupId'?: (string);
  /**
   * NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (it has members), NOT_COORDINATOR.
   */
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
}

export interface DeleteGroupResult__Output {
  'groupId': (string);
  /**
   * NONE, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (it has members), NOT_COORDINATOR.
   */
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
}
