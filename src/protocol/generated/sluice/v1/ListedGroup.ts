// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/groups.proto

import type { ConsumerGroupState as _sluice_v1_ConsumerGroupState, ConsumerGroupState__Output as _sluice_v1_ConsumerGroupState__Output } from '../../sluice/v1/ConsumerGroupState';

export interface ListedGroup {
  'groupId'?: (string);
  /**
   * EMPTY for a group that only has committed offsets.
   */
  'state'?: (_sluice_v1_ConsumerGroupState);
  /**
   * Members in the group now.
   */
  'memberCount'?: (number);
}

export interface ListedGroup__Output {
  'groupId': (string);
  /**
   * EMPTY for a group that only has committed offsets.
   */
  'state': (_sluice_v1_ConsumerGroupState__Output);
  /**
   * Members in the group now.
   */
  'memberCount': (number);
}
