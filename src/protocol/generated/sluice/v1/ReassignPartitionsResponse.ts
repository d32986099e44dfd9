// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { ReassignmentResult as _sluice_v1_ReassignmentResult, ReassignmentResult__Output as _sluice_v1_ReassignmentResult__Output } from '../../sluice/v1/ReassignmentResult';

export interface ReassignPartitionsResponse {
  'results'?: (_sluice_v1_ReassignmentResult)[];
}

export interface ReassignPartitionsResponse__Output {
  'results': (_sluice_v1_ReassignmentResult__Output)[];
}
