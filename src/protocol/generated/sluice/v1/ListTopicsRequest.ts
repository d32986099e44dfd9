// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface ListTopicsRequest {
  /**
   * Also list internal topics such as __consumer_offsets.
   */
  'includeInternal'?: (boolean);
}

export interface ListTopicsRequest__Output {
  /**
   * Also list internal topics such as __consumer_offsets.
   */
  'includeInternal': (boolean);
}
