// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { ErrorCode as _sluice_v1_ErrorCode, ErrorCode__Output as _sluice_v1_ErrorCode__Output } from '../../sluice/v1/ErrorCode';

export interface AlterConfigsResponse {
  'errorCode'?: (_sluice_v1_ErrorCode);
  'errorMessage'?: (string);
}

export interface AlterConfigsResponse__Output {
  'errorCode': (_sluice_v1_ErrorCode__Output);
  'errorMessage': (string);
}
