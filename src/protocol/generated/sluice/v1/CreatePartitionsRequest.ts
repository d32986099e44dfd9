// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface CreatePartitionsRequest {
  'topic'?: (string);
  /**
   * New total partition count; must be larger than the current count.
   */
  'totalCount'?: (number);
  'validateOnly'?: (boolean);
}

export interface CreatePartitionsRequest__Output {
  'topic': (string);
  /**
   * New total partition count; must be larger than the current count.
   */
  'totalCount': (number);
  'validateOnly': (boolean);
}
