// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { DescribedGroup as _sluice_v1_DescribedGroup, DescribedGroup__Output as _sluice_v1_DescribedGroup__Output } from '../../sluice/v1/DescribedGroup';

export interface DescribeGroupsResponse {
  /**
   * One per requested group, in request order.
   */
  'groups'?: (_sluice_v1_DescribedGroup)[];
}

export interface DescribeGroupsResponse__Output {
  /**
   * One per requested group, in request order.
   */
  'groups': (_sluice_v1_DescribedGroup__Output)[];
}
