// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ListedGroup as _sluice_v1_ListedGroup, ListedGroup__Output as _sluice_v1_ListedGroup__Output } from '../../sluice/v1/ListedGroup';

export interface ListGroupsResponse {
  /**
   * Ids of the groups this cluster's coordinators know, sorted (the same groups as `groups`).
   */
  'groupIds'?: (string)[];
  /**
   * The same groups with their state.
   */
  'groups'?: (_sluice_v1_ListedGroup)[];
}

export interface ListGroupsResponse__Output {
  /**
   * Ids of the groups this cluster's coordinators know, sorted (the same groups as `groups`).
   */
  'groupIds': (string)[];
  /**
   * The same groups with their state.
   */
  'groups': (_sluice_v1_ListedGroup__Output)[];
}
