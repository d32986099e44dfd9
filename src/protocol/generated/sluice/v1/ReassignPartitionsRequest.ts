// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto

import type { PartitionReassignment as _sluice_v1_PartitionReassignment, PartitionReassignment__Output as _sluice_v1_PartitionReassignment__Output } from '../../sluice/v1/PartitionReassignment';

export interface ReassignPartitionsRequest {
  'reassignments'?: (_sluice_v1_PartitionReassignment)[];
  /**
   * Check everything but change nothing.
   */
  'validateOnly'?: (boolean);
}

export interface ReassignPartitionsRequest__Output {
  'reassignments': (_sluice_v1_PartitionReassignment__Output)[];
  /**
   * Check everything but change nothing.
   */
  'validateOnly': (boolean);
}
