// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto


export interface DescribeGroupsRequest {
  /**
   * Groups to describe (at least one).
   */
  'groupIds'?: (string)[];
}

export interface DescribeGroupsRequest__Output {
  /**
   * Groups to describe (at least one).
   */
  'groupIds': (string)[];
}
