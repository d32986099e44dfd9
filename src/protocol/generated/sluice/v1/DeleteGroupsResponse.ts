// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { DeleteGroupResult as _sluice_v1_DeleteGroupResult, DeleteGroupResult__Output as _sluice_v1_DeleteGroupResult__Output } from '../../sluice/v1/DeleteGroupResult';

export interface DeleteGroupsResponse {
  /**
   * One per requested group, in request order.
   */
  'results'?: (_sluice_v1_DeleteGroupResult)[];
}

export interface DeleteGroupsResponse__Output {
  /**
   * One per requested group, in request order.
   */
  'results': (_sluice_v1_DeleteGroupResult__Output)[];
}
