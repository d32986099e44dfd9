// Generated from proto/ by scripts/gen-proto-types.mjs (proto-loader-gen-types). Do not edit: change the proto and build.
// Original file: proto/sluice/v1/admin.proto


export interface DescribeTopicsRequest {
  /**
   * Topics to describe; empty means all non-internal topics.
   */
  'names'?: (string)[];
}

export interface DescribeTopicsRequest__Output {
  /**
   * Topics to describe; empty means all non-internal topics.
   */
  'names': (string)[];
}
