// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto


export interface DeleteGroupsRequest {
  /**
   * Groups to delete (at least one).
   */
  'groupIds'?: (string)[];
}

export interface DeleteGroupsRequest__Output {
  /**
   * Groups to delete (at least one).
   */
  'groupIds': (string)[];
}
