// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface PartitionReassignment {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The new replica set, preferred leader first.
   */
  'replicas'?: (number)[];
}

export interface PartitionReassignment__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The new replica set, preferred leader first.
   */
  'replicas': (number)[];
}
